// The fake cluster over HTTP (cpp-httplib): serves RestHandler to any Kubernetes client,
// many connections at once, while the simulation stays single-threaded: every request,
// every watch poll and every advance of virtual time takes the same lock. Virtual time
// follows wall time (scaled by `timeScale`; 0 freezes it), so controllers and the
// kubelet keep working while a user looks around with kubectl. Binds 127.0.0.1 unless
// told otherwise; speaks HTTPS with a certificate made at startup (tls.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "fakecluster/http/rest_handler.hpp"
#include "fakecluster/http/tls.hpp"
#include "sim/core/event_loop.hpp"

namespace httplib {
class Server;
}

namespace gs::fake::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  int port = 6443;  // 0: any free port
  std::string token;
  bool tls = true;  // HTTPS with a certificate made at startup; false: plain HTTP
  double timeScale = 1.0;  // virtual seconds per wall second
  std::size_t maxBodyBytes = 3 << 20;
  // Called (under the lock) after virtual time advanced, e.g. to let a scenario's world
  // react; may be empty.
  std::function<void()> afterAdvance;
};

class ApiServer {
 public:
  ApiServer(FakeCluster& cluster, EventLoop& loop, std::mutex& simulation, ServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and starts serving on background threads; throws gs::Error when it cannot bind.
  void start();
  void stop();
  int port() const { return port_; }
  std::string url() const;
  // PEM of the server's certificate ("" without TLS), for the kubeconfig.
  const std::string& certificatePem() const { return certificate_.pem; }
  std::uint64_t requests() const { return handler_.requests(); }

 private:
  void advanceTime();

  FakeCluster& cluster_;
  EventLoop& loop_;
  std::mutex& simulation_;
  ServerOptions options_;
  RestHandler handler_;
  SelfSignedCertificate certificate_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::thread clock_;
  std::atomic<bool> running_{false};
  int port_ = 0;
};

// A kubeconfig for `url` (with the bearer token when set, and the server's certificate
// as its CA for https), context "gitops-sim".
std::string kubeconfig(const std::string& url, const std::string& token, const std::string& certificatePem);

}  // namespace gs::fake::http
