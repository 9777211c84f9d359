#include "fakecluster/http/server.hpp"

#include <httplib.h>

#include "sim/core/base64.hpp"
#include "sim/core/error.hpp"

namespace gs::fake::http {

namespace {

Request toRequest(const httplib::Request& in) {
  Request r;
  r.method = in.method;
  r.path = in.path;
  for (const auto& [k, v] : in.params) r.query.emplace(k, v);
  for (const auto& [k, v] : in.headers) r.headers.emplace(k, v);
  r.body = in.body;
  return r;
}

// A warning as the API server sends it: an RFC 7234 warning with code 299, agent "-" and
// the text as a quoted string (kubectl prints "Warning: <text>").
std::string warningHeader(const std::string& text) {
  std::string quoted = "299 - \"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

void send(const Response& response, httplib::Response& out) {
  out.status = response.status;
  for (const auto& warning : response.warnings) out.set_header("Warning", warningHeader(warning));
  out.set_content(response.body, response.contentType.c_str());
}

}  // namespace

ApiServer::ApiServer(FakeCluster& cluster, EventLoop& loop, std::mutex& simulation, ServerOptions options)
    : cluster_(cluster),
      loop_(loop),
      simulation_(simulation),
      options_(std::move(options)),
      handler_(cluster, HandlerOptions{options_.token, options_.maxBodyBytes, options_.address + ":" + std::to_string(options_.port)}) {
  if (options_.tls) {
    certificate_ = makeSelfSignedCertificate({options_.address, "127.0.0.1", "localhost"});
    server_ = std::make_unique<httplib::SSLServer>(certificate_.certificate.get(), certificate_.key.get());
    if (!server_->is_valid()) throw Error::internal("cannot set up TLS for the API server");
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
}

ApiServer::~ApiServer() { stop(); }

std::string ApiServer::url() const {
  const bool v6 = options_.address.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + options_.address + "]" : options_.address;
  return std::string(options_.tls ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

void ApiServer::start() {
  httplib::Server& s = *server_;
  // Bodies a little over the limit are read and answered with a Status (413) by the
  // handler; far larger ones are cut off by httplib, answered below.
  s.set_payload_max_length(options_.maxBodyBytes * 2);
  // Without it small responses wait on delayed ACKs (about 40 ms each on Linux).
  s.set_tcp_nodelay(true);
  // Watches hold a thread each while they stream; the default pool (8) would let a few
  // watching clients starve the rest. httplib takes ownership of the pool.
  s.new_task_queue = [] { return new httplib::ThreadPool(64); };  // NOLINT(cppcoreguidelines-owning-memory)
  auto handle = [this](const httplib::Request& in, httplib::Response& out) {
    Request request = toRequest(in);
    if (RestHandler::isWatch(request)) {
      Response error;
      std::unique_ptr<WatchStream> watch;
      {
        std::lock_guard lock(simulation_);
        watch = handler_.openWatch(request, error);
      }
      if (!watch) {
        send(error, out);
        return;
      }
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(watch->timeoutSeconds().value_or(1800));
      std::shared_ptr<WatchStream> shared(std::move(watch));
      out.status = 200;
      // Not plain application/json: httplib would gzip the stream for Go clients (which
      // ask for gzip) and hold events back in the compressor.
      out.set_chunked_content_provider("application/json;stream=watch", [this, shared, deadline](std::size_t, httplib::DataSink& sink) {
        while (running_ && sink.is_writable()) {
          std::string chunk;
          {
            std::lock_guard lock(simulation_);
            chunk = shared->poll();
          }
          if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
          if (shared->done() || std::chrono::steady_clock::now() >= deadline) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        sink.done();
        return true;
      });
      return;
    }
    Response response;
    {
      std::lock_guard lock(simulation_);
      response = handler_.handle(request);
    }
    send(response, out);
  };
  s.Get(".*", handle);
  s.Post(".*", handle);
  s.Put(".*", handle);
  s.Patch(".*", handle);
  s.Delete(".*", handle);
  s.set_error_handler([](const httplib::Request&, httplib::Response& out) {
    if (!out.body.empty()) return;
    const std::string reason = out.status == 413 ? "RequestEntityTooLarge" : out.status == 404 ? "NotFound" : "BadRequest";
    out.set_content(Json{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Failure"},
                         {"message", out.status == 413 ? "the request body is too large" : "the request could not be read"}, {"reason", reason},
                         {"code", out.status}}
                        .dump(),
                    "application/json");
  });
  if (options_.port == 0) {
    port_ = s.bind_to_any_port(options_.address);
    if (port_ < 0) throw Error::invalid("cannot listen on " + options_.address);
  } else {
    if (!s.bind_to_port(options_.address, options_.port)) {
      throw Error::invalid("cannot listen on " + options_.address + ":" + std::to_string(options_.port) + " (in use, or not an address of this machine)");
    }
    port_ = options_.port;
  }
  running_ = true;
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  clock_ = std::thread([this] { advanceTime(); });
}

void ApiServer::stop() {
  if (!running_.exchange(false)) return;
  server_->stop();
  if (listener_.joinable()) listener_.join();
  if (clock_.joinable()) clock_.join();
}

void ApiServer::advanceTime() {
  const auto wallStart = std::chrono::steady_clock::now();
  VirtualTime virtualStart;
  {
    std::lock_guard lock(simulation_);
    virtualStart = loop_.clock().now();
  }
  while (running_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (options_.timeScale <= 0) continue;
    const auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    const VirtualTime target = virtualStart + Duration(static_cast<std::int64_t>(wall * options_.timeScale * 1000));
    std::lock_guard lock(simulation_);
    if (target > loop_.clock().now()) {
      loop_.runUntil(target);
      if (options_.afterAdvance) options_.afterAdvance();
    }
  }
}

std::string kubeconfig(const std::string& url, const std::string& token, const std::string& certificatePem) {
  // Some credential is always given: kubectl asks for a user name and password when a
  // TLS server's kubeconfig user has none. Without --token the server accepts any.
  const std::string user = "  user:\n    token: " + (token.empty() ? std::string("gitops-sim-open") : token) + "\n";
  const std::string ca = certificatePem.empty() ? "" : "\n    certificate-authority-data: " + base64Encode(certificatePem);
  return "apiVersion: v1\nkind: Config\nclusters:\n- name: gitops-sim\n  cluster:\n    server: " + url + ca +
         "\ncontexts:\n- name: gitops-sim\n  context:\n    cluster: gitops-sim\n    user: gitops-sim\n    namespace: default\n"
         "current-context: gitops-sim\nusers:\n- name: gitops-sim\n" +
         user;
}

}  // namespace gs::fake::http
