#include "sim/report/report_model.hpp"

#include <cmath>
#include <regex>

#include "sim/core/clock.hpp"
#include "sim/core/error.hpp"
#include "sim/core/lines.hpp"
#include "sim/report/side_by_side.hpp"
#include "sim/report/timeline.hpp"

namespace gs::report {

namespace {

const char* const kFaultKinds[] = {"image-pull-error", "crash-loop",      "never-ready",        "registry-outage", "git-unavailable",
                                   "ci-test-failure",  "api-errors",      "controller-restart", "webhook-lost"};

const Json& field(const Json& object, const char* key, const std::string& where, Json::value_t type) {
  auto it = object.find(key);
  if (it == object.end()) throw Error::invalid(where + key + ": missing");
  const bool ok = it->type() == type || (type == Json::value_t::number_integer && it->is_number_integer()) ||
                  (type == Json::value_t::number_float && it->is_number());
  if (!ok) throw Error::invalid(where + key + ": expected " + Json(type).type_name() + ", found " + it->type_name());
  return *it;
}

std::string durationText(double seconds) { return formatDuration(Duration(static_cast<std::int64_t>(std::llround(seconds * 1000)))); }

Json failureView(const Json& scenario, std::int64_t endMs) {
  const Json& f = scenario["failure"];
  Json view{{"message", f.value("message", "")}, {"step", f.value("step", 0)}, {"kind", f.value("kind", "")}, {"replay", f.value("replay", "")},
            {"at", endMs}};
  if (Json parts = splitExpectation(f.value("message", "")); !parts.is_null()) view["expectation"] = std::move(parts);
  const std::string diff = f.value("diff", "");
  if (!diff.empty()) {
    view["diff"] = diff;
    view["diffRows"] = sideBySide(diff);
  }
  return view;
}

Json scenarioView(const Json& s, std::size_t i) {
  const std::string where = "scenarios[" + std::to_string(i) + "].";
  if (!s.is_object()) throw Error::invalid("scenarios[" + std::to_string(i) + "]: a scenario must be an object");
  field(s, "name", where, Json::value_t::string);
  field(s, "status", where, Json::value_t::string);
  field(s, "timeline", where, Json::value_t::array);
  Json view;
  try {
    view = Json{{"timeline", buildTimeline(s)}};
  } catch (const Error& e) {
    throw Error::invalid(where + e.message());
  }
  for (const char* key : {"name", "file", "description", "tags", "status", "seed", "virtualMs", "virtualTime", "wallSeconds", "eventLogHash", "stepsRun", "metrics",
                          "world", "workspace"}) {
    if (s.contains(key)) view[key] = s[key];
  }
  // Seeds are 64-bit; JavaScript numbers hold 53 bits, so the page gets them as text.
  if (s.contains("seed")) view["seed"] = s["seed"].dump();
  view["events"] = s["timeline"];
  const std::int64_t endMs = view["timeline"]["endMs"].get<std::int64_t>();
  if (s.contains("failure") && s["failure"].is_object()) {
    view["failure"] = failureView(s, endMs);
    Json& marks = view["timeline"]["marks"];
    const std::string label = s["failure"].value("step", 0) > 0 ? "step " + std::to_string(s["failure"].value("step", 0)) + " failed" : "failed";
    marks.push_back(Json{{"lane", "scenario"}, {"at", endMs}, {"kind", "failure"}, {"result", "fail"}, {"label", label}, {"events", Json::array()}});
  }
  view["replay"] = s.contains("failure") ? s["failure"].value("replay", "")
                                         : "gitops-sim run " + s.value("file", "") + " --seed " + (s.contains("seed") ? s["seed"].dump() : "1") + " -v";
  return view;
}

}  // namespace

Json splitExpectation(const std::string& message) {
  static const std::regex location(R"(^(\S+:\d+:\d+): (?:(\S+): )?)");
  const auto expected = message.rfind(", expected ");
  if (expected == std::string::npos) return nullptr;
  std::string head = message.substr(0, expected);
  const auto is = head.rfind(" is ");
  if (is == std::string::npos) return nullptr;
  Json out;
  std::smatch m;
  std::size_t start = 0;
  if (std::regex_search(head, m, location)) {
    out["where"] = m[1].str();
    if (m[2].matched) out["path"] = m[2].str();
    start = static_cast<std::size_t>(m.length(0));
  }
  out["what"] = head.substr(start, is - start);
  out["actual"] = head.substr(is + 4);
  std::string tail = message.substr(expected + 11);
  const auto context = tail.find(" [");
  if (context != std::string::npos && tail.back() == ']') {
    out["context"] = tail.substr(context + 2, tail.size() - context - 3);
    tail = tail.substr(0, context);
  }
  out["expected"] = tail;
  return out;
}

Json runMetrics(const Json& scenarios) {
  double deployments = 0, failed = 0, syncs = 0, virtualMs = 0;
  struct Mean {
    double count = 0, sum = 0;
    void add(const Json& m) {
      if (!m.is_object()) return;
      const double n = m.value("count", 0.0);
      count += n;
      sum += n * m.value("meanSeconds", 0.0);
    }
    Json json() const {
      if (count == 0) return Json{{"count", 0}};
      return Json{{"count", count}, {"meanSeconds", sum / count}, {"mean", durationText(sum / count)}};
    }
  } lead, restore, detect;
  for (const auto& s : scenarios) {
    virtualMs += s.value("virtualMs", 0.0);
    const Json m = s.value("metrics", Json::object());
    if (!m.is_object()) continue;
    deployments += m.value("deployments", 0.0);
    failed += m.value("failedDeployments", 0.0);
    syncs += m.value("syncs", 0.0);
    lead.add(m.value("leadTime", Json()));
    restore.add(m.value("timeToRestore", Json()));
    detect.add(m.value("timeToDetectDrift", Json()));
  }
  Json out{{"deployments", deployments},
           {"failedDeployments", failed},
           {"syncs", syncs},
           {"changeFailureRate", deployments > 0 ? failed / deployments : 0.0},
           {"deploymentsPerDay", virtualMs > 0 ? deployments / (virtualMs / 86'400'000.0) : 0.0},
           {"leadTime", lead.json()},
           {"timeToRestore", restore.json()},
           {"timeToDetectDrift", detect.json()},
           {"virtualMs", virtualMs},
           {"virtualTime", formatDuration(Duration(static_cast<std::int64_t>(virtualMs)))}};
  return out;
}

Json buildRunReport(const Json& run) {
  if (!run.is_object()) throw Error::invalid("a run report must be a JSON object (what `gitops-sim run --json` writes)");
  const Json& scenarios = field(run, "scenarios", "", Json::value_t::array);
  Json views = Json::array();
  Json counts{{"total", scenarios.size()}, {"passed", 0}, {"failed", 0}, {"invalid", 0}, {"error", 0}};
  double wall = 0;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    Json view = scenarioView(scenarios[i], i);
    const std::string status = view["status"].get<std::string>();
    if (counts.contains(status)) counts[status] = counts[status].get<int>() + 1;
    wall += view.value("wallSeconds", 0.0);
    views.push_back(std::move(view));
  }
  Json metrics = runMetrics(scenarios);
  counts["wallSeconds"] = wall;
  counts["virtualMs"] = metrics["virtualMs"];
  counts["virtualTime"] = metrics["virtualTime"];
  return Json{{"kind", "run"}, {"title", "gitops-sim run"}, {"summary", std::move(counts)}, {"metrics", std::move(metrics)},
              {"lanes", laneDefinitions()}, {"scenarios", std::move(views)}};
}

Json buildCampaignReport(const Json& c) {
  if (!c.is_object()) throw Error::invalid("a campaign report must be a JSON object (what `gitops-sim fuzz --json` writes)");
  const double cases = field(c, "cases", "", Json::value_t::number_integer).get<double>();
  const Json& coverage = field(c, "coverage", "", Json::value_t::object);
  const Json& failures = field(c, "failures", "", Json::value_t::array);
  Json commands = Json::array(), faults = Json::array();
  for (const auto& [name, n] : coverage.items()) {
    if (name.rfind("fault:", 0) != 0) commands.push_back(Json{{"name", name}, {"count", n}});
  }
  for (const char* kind : kFaultKinds) faults.push_back(Json{{"name", kind}, {"count", coverage.value(std::string("fault:") + kind, 0)}});
  Json views = Json::array();
  for (std::size_t i = 0; i < failures.size(); ++i) {
    const Json& f = failures[i];
    if (!f.is_object()) throw Error::invalid("failures[" + std::to_string(i) + "]: must be an object");
    Json view = f;
    if (f.contains("seed")) view["seed"] = f["seed"].dump();
    Json steps = Json::array();
    const std::string shown = f.value("shrunk", "");
    for (std::string_view line : splitLines(shown)) {
      if (!line.empty()) steps.push_back(std::string(line));
    }
    view["steps"] = std::move(steps);
    if (!f.value("file", "").empty()) view["replay"] = "gitops-sim run " + f.value("file", "") + " -v";
    std::string rerun = "gitops-sim fuzz --case " + std::to_string(f.value("seed", std::uint64_t{0}));
    if (c.contains("size")) rerun += " --size " + c["size"].dump();
    if (!c.value("canary", "").empty()) rerun += " --canary " + c.value("canary", "");
    view["rerun"] = rerun;
    views.push_back(std::move(view));
  }
  const double steps = c.value("steps", 0.0);
  return Json{{"kind", "campaign"},
              {"title", "gitops-sim fuzz campaign"},
              {"seed", c.contains("seed") ? c["seed"].dump() : std::string()},
              {"shard", c.value("shard", "")},
              {"threads", c.value("threads", 1)},
              {"size", c.value("size", Json())},
              {"cases", cases},
              {"seconds", c.value("seconds", 0.0)},
              {"casesPerSecond", c.value("casesPerSecond", 0.0)},
              {"steps", steps},
              {"stepsPerCase", cases > 0 ? steps / cases : 0.0},
              {"coverage", Json{{"commands", std::move(commands)}, {"faults", std::move(faults)}}},
              {"failures", std::move(views)}};
}

Json buildReport(const Json& input) {
  if (input.is_object() && input.contains("scenarios")) return buildRunReport(input);
  if (input.is_object() && input.contains("cases") && input.contains("coverage")) return buildCampaignReport(input);
  throw Error::invalid("neither a run report (`gitops-sim run --json`: has \"scenarios\") nor a fuzz campaign (`gitops-sim fuzz --json`: has \"cases\" and \"coverage\")");
}

}  // namespace gs::report
