// libFuzzer target: the served Kubernetes REST API (fakecluster/http's RestHandler, the
// socket-free core of `gitops-sim serve`) on arbitrary request sequences against a fresh
// fake cluster. The input is one or more requests separated by a line "%%":
//
//   PATCH /apis/apps/v1/namespaces/default/deployments/web?dryRun=All&fieldManager=me
//   Content-Type: application/strategic-merge-patch+json
//
//   {"spec": {"replicas": 3}}
//   %%
//   GET /api/v1/namespaces/default/pods?labelSelector=app%3Dweb&watch=1
//
// Every request must get a response: never a crash, a hang, a sanitizer report, or a
// 500 (bad input is the client's error: 4xx).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/cluster.hpp"
#include "fakecluster/http/rest_handler.hpp"
#include "sim/core/clock.hpp"
#include "sim/core/event_loop.hpp"

using namespace gs;

namespace {

std::string_view nextLine(std::string_view& text) {
  const std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  return line;
}

std::string percentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const std::string hex(s.substr(i + 1, 2));
      char* end = nullptr;
      const long value = std::strtol(hex.c_str(), &end, 16);
      if (end == hex.c_str() + 2) {
        out += static_cast<char>(value);
        i += 2;
        continue;
      }
    }
    out += s[i] == '+' ? ' ' : s[i];
  }
  return out;
}

fake::http::Request parseRequest(std::string_view text) {
  fake::http::Request r;
  std::string_view first = nextLine(text);
  const std::size_t space = first.find(' ');
  r.method = std::string(first.substr(0, space));
  std::string_view target = space == std::string_view::npos ? std::string_view() : first.substr(space + 1);
  const std::size_t question = target.find('?');
  r.path = percentDecode(target.substr(0, question));
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const std::size_t eq = pair.find('=');
      r.query.emplace(percentDecode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : percentDecode(pair.substr(eq + 1)));
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
  }
  while (!text.empty()) {
    std::string_view line = nextLine(text);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers[std::string(line.substr(0, colon))] = std::string(value);
  }
  r.body = std::string(text);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  VirtualClock clock;
  EventLoop loop(clock);
  fake::FakeCluster cluster(loop, fake::ClusterOptions{});
  fake::http::RestHandler handler(cluster, fake::http::HandlerOptions{});
  int count = 0;
  while (!input.empty() && count++ < 16) {
    const std::size_t separator = input.find("\n%%\n");
    const std::string_view one = input.substr(0, separator);
    input = separator == std::string_view::npos ? std::string_view() : input.substr(separator + 4);
    const fake::http::Request request = parseRequest(one);
    fake::http::Response response;
    if (fake::http::RestHandler::isWatch(request)) {
      auto watch = handler.openWatch(request, response);
      if (watch) (void)watch->poll();
    } else {
      response = handler.handle(request);
    }
    if (response.status >= 500) {
      std::fprintf(stderr, "http_handler_fuzzer: %d for %s %s: %s\n", response.status, request.method.c_str(), request.path.c_str(), response.body.c_str());
      std::abort();
    }
    loop.runUntil(clock.now() + std::chrono::seconds(1));  // let the controllers react
  }
  return 0;
}
