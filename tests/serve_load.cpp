// A bounded load test of `gitops-sim serve` on loopback: THREADS clients x REQUESTS mixed
// requests over HTTPS (reads, lists, creates, patches, and read-modify-write updates of
// one shared object that conflict on purpose). Passes when the only errors are the
// expected 409 Conflicts and no write was lost or duplicated (the shared counter equals
// the number of successful updates; every successful create exists exactly once).
// Prints p50/p99 latency and requests per second (docs/benchmarks.md).
// Usage: serve_load [THREADS] [REQUESTS_PER_THREAD]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fakecluster/cluster.hpp"
#include "fakecluster/http/server.hpp"
#include "sim/core/event_loop.hpp"

using gs::Json;

namespace {

struct ThreadResult {
  std::vector<double> latenciesMs;
  int updates = 0, conflicts = 0, creates = 0, unexpected = 0;
  std::vector<std::string> errors;
};

const std::string kCounterPath = "/api/v1/namespaces/default/configmaps/counter";

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 8;
  const int requests = argc > 2 ? std::atoi(argv[2]) : 2000;
  gs::VirtualClock clock;
  gs::EventLoop loop(clock);
  gs::fake::FakeCluster cluster(loop);
  loop.runUntil(clock.now());
  std::mutex simulation;
  gs::fake::http::ServerOptions options;
  options.port = 0;
  gs::fake::http::ApiServer server(cluster, loop, simulation, options);
  server.start();
  {
    std::lock_guard lock(simulation);
    cluster.create(Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "counter"}, {"namespace", "default"}}}, {"data", {{"n", "0"}}}});
  }

  std::vector<ThreadResult> results(static_cast<std::size_t>(threads));
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      ThreadResult& out = results[static_cast<std::size_t>(t)];
      httplib::SSLClient client("127.0.0.1", server.port());
      client.enable_server_certificate_verification(false);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      std::string counterVersion;
      int counterValue = 0;
      auto timed = [&](auto&& request) {
        const auto t0 = std::chrono::steady_clock::now();
        auto response = request();
        out.latenciesMs.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        return response;
      };
      auto fail = [&](const std::string& what, const httplib::Result& r) {
        ++out.unexpected;
        if (out.errors.size() < 5) out.errors.push_back(what + ": " + (r ? std::to_string(r->status) + " " + r->body.substr(0, 200) : httplib::to_string(r.error())));
      };
      auto readCounter = [&] {
        auto r = timed([&] { return client.Get(kCounterPath); });
        if (!r || r->status != 200) return fail("GET counter", r);
        const Json cm = Json::parse(r->body);
        counterVersion = cm["metadata"]["resourceVersion"];
        counterValue = std::stoi(cm["data"]["n"].get<std::string>());
      };
      readCounter();
      const std::string label = "load-" + std::to_string(t);
      for (int i = 0; i < requests; ++i) {
        switch (i % 10) {
          case 0:
          case 1:
            readCounter();
            break;
          case 2:
          case 3:
          case 4: {  // read-modify-write with the version last read: conflicts with the other threads
            Json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                    {"metadata", {{"name", "counter"}, {"namespace", "default"}, {"resourceVersion", counterVersion}}},
                    {"data", {{"n", std::to_string(counterValue + 1)}}}};
            auto r = timed([&] { return client.Put(kCounterPath, cm.dump(), "application/json"); });
            if (r && r->status == 200) {
              ++out.updates;
              const Json stored = Json::parse(r->body);
              counterVersion = stored["metadata"]["resourceVersion"];
              counterValue += 1;
            } else if (r && r->status == 409) {
              ++out.conflicts;
              readCounter();
            } else {
              fail("PUT counter", r);
            }
            break;
          }
          case 5:
          case 6: {
            const std::string name = label + "-" + std::to_string(i);
            Json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"labels", {{"load", label}}}}}, {"data", {{"i", std::to_string(i)}}}};
            auto r = timed([&] { return client.Post("/api/v1/namespaces/default/configmaps", cm.dump(), "application/json"); });
            if (r && r->status == 201) ++out.creates;
            else fail("POST " + name, r);
            break;
          }
          case 7: {
            auto r = timed([&] { return client.Get("/api/v1/namespaces/default/configmaps?labelSelector=load%3D" + label + "&limit=50"); });
            if (!r || r->status != 200) fail("LIST", r);
            break;
          }
          case 8: {
            auto r = timed([&] {
              return client.Patch("/api/v1/namespaces/default/configmaps/" + label + "-5", R"({"data":{"patched":"yes"}})", "application/merge-patch+json");
            });
            if (!r || r->status != 200) fail("PATCH", r);
            break;
          }
          default: {
            auto r = timed([&] { return client.Get("/apis/apps/v1"); });
            if (!r || r->status != 200) fail("discovery", r);
          }
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  server.stop();

  std::vector<double> all;
  int updates = 0, conflicts = 0, creates = 0, unexpected = 0;
  for (const auto& r : results) {
    all.insert(all.end(), r.latenciesMs.begin(), r.latenciesMs.end());
    updates += r.updates;
    conflicts += r.conflicts;
    creates += r.creates;
    unexpected += r.unexpected;
    for (const auto& e : r.errors) std::printf("unexpected: %s\n", e.c_str());
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * static_cast<double>(all.size())))]; };
  const Json counter = cluster.store().get("", "ConfigMap", "default", "counter");
  const int finalCount = std::stoi(counter["data"]["n"].get<std::string>());
  const Json created = cluster.store().list("", "ConfigMap", "default", gs::fake::ListOptions{"load", "", 0, ""});
  std::printf("%d threads x %d requests: %zu requests in %.2f s, %.0f requests/s, latency p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", threads, requests,
              all.size(), seconds, static_cast<double>(all.size()) / seconds, pct(0.50), pct(0.99), all.empty() ? 0.0 : all.back());
  std::printf("updates %d (counter %d), conflicts %d (409, expected), creates %d (stored %zu), unexpected errors %d\n", updates, finalCount, conflicts,
              creates, created["items"].size(), unexpected);
  bool ok = unexpected == 0 && finalCount == updates && static_cast<int>(created["items"].size()) == creates && conflicts > 0;
  if (finalCount != updates) std::printf("FAIL: lost or duplicated updates: the counter is %d after %d successful updates\n", finalCount, updates);
  if (static_cast<int>(created["items"].size()) != creates) std::printf("FAIL: %d creates succeeded, %zu objects stored\n", creates, created["items"].size());
  if (conflicts == 0) std::printf("FAIL: no conflicts: the test did not exercise optimistic concurrency\n");
  return ok ? 0 : 1;
}
