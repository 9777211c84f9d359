#include "sim/scenario/report.hpp"

#include <cstdio>

namespace gs::scenario {

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string xmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows tab, newline, carriage return and nothing else below 0x20.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "?";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string shellQuote(const std::string& s) {
  if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:") == std::string::npos) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string timelineLine(const Event& e) {
  char head[96];
  std::snprintf(head, sizeof head, "%10s  %-22s %-22s ", formatDuration(e.at.sinceStart).c_str(), e.actor.c_str(), e.type.c_str());
  std::string details = e.details.empty() ? "" : e.details.dump();
  if (details.size() > 240) details = details.substr(0, 237) + "...";
  return head + details;
}

std::string consoleLine(const ScenarioResult& r) {
  std::string tag = r.verdict == Verdict::Passed ? "PASS " : r.verdict == Verdict::Failed ? "FAIL " : r.verdict == Verdict::Invalid ? "INVALID " : "ERROR ";
  std::string line = tag + " " + r.name + "  (" + formatDuration(r.virtualTime) + " virtual, " + seconds(r.wallSeconds) + " s wall";
  if (!r.eventLogHash.empty()) line += ", log " + r.eventLogHash;
  return line + ")";
}

std::string replayCommand(const ScenarioResult& r) { return "gitops-sim run " + shellQuote(r.file) + " --seed " + std::to_string(r.seed) + " -v"; }

std::string failureDetails(const ScenarioResult& r, std::size_t tail) {
  if (r.verdict == Verdict::Passed) return {};
  std::string out;
  if (r.failedStep > 0) out += "  step " + std::to_string(r.failedStep) + " (" + r.failedStepKind + ") failed:\n";
  out += "    " + r.message + "\n";
  if (!r.diff.empty()) {
    out += "  live vs desired:\n";
    std::size_t start = 0;
    while (start < r.diff.size()) {
      auto end = r.diff.find('\n', start);
      if (end == std::string::npos) end = r.diff.size();
      out += "    " + r.diff.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  if (!r.timeline.empty() && r.verdict == Verdict::Failed) {
    const std::size_t from = r.timeline.size() > tail ? r.timeline.size() - tail : 0;
    out += "  last " + std::to_string(r.timeline.size() - from) + " events:\n";
    for (std::size_t i = from; i < r.timeline.size(); ++i) out += "  " + timelineLine(r.timeline[i]) + "\n";
  }
  if (r.verdict == Verdict::Failed || r.verdict == Verdict::Error) out += "  replay: " + replayCommand(r) + "\n";
  return out;
}

std::string summaryLine(const std::vector<ScenarioResult>& results) {
  int passed = 0, failed = 0, invalid = 0, errors = 0;
  double wall = 0;
  Duration virt{0};
  for (const auto& r : results) {
    passed += r.verdict == Verdict::Passed ? 1 : 0;
    failed += r.verdict == Verdict::Failed ? 1 : 0;
    invalid += r.verdict == Verdict::Invalid ? 1 : 0;
    errors += r.verdict == Verdict::Error ? 1 : 0;
    wall += r.wallSeconds;
    virt += r.virtualTime;
  }
  std::string line = std::to_string(passed) + " passed, " + std::to_string(failed) + " failed";
  if (invalid > 0) line += ", " + std::to_string(invalid) + " invalid";
  if (errors > 0) line += ", " + std::to_string(errors) + " errors";
  return line + " (" + formatDuration(virt) + " virtual in " + seconds(wall) + " s of scenario time)";
}

std::string junitXml(const std::vector<ScenarioResult>& results) {
  int failures = 0, errors = 0;
  double total = 0;
  for (const auto& r : results) {
    failures += r.verdict == Verdict::Failed ? 1 : 0;
    errors += r.verdict == Verdict::Invalid || r.verdict == Verdict::Error ? 1 : 0;
    total += r.wallSeconds;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"gitops-sim\" tests=\"" + std::to_string(results.size()) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\" time=\"" + seconds(total) + "\">\n";
  out += "  <testsuite name=\"gitops-sim scenarios\" tests=\"" + std::to_string(results.size()) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"" + std::to_string(errors) + "\" skipped=\"0\" time=\"" + seconds(total) + "\">\n";
  for (const auto& r : results) {
    out += "    <testcase name=\"" + xmlEscape(r.name) + "\" classname=\"" + xmlEscape(r.file) + "\" file=\"" + xmlEscape(r.file) + "\" time=\"" +
           seconds(r.wallSeconds) + "\">\n";
    out += "      <properties>\n";
    out += "        <property name=\"seed\" value=\"" + std::to_string(r.seed) + "\"/>\n";
    out += "        <property name=\"virtualTime\" value=\"" + formatDuration(r.virtualTime) + "\"/>\n";
    if (!r.eventLogHash.empty()) out += "        <property name=\"eventLogHash\" value=\"" + r.eventLogHash + "\"/>\n";
    for (const auto& tag : r.tags) out += "        <property name=\"tag\" value=\"" + xmlEscape(tag) + "\"/>\n";
    out += "      </properties>\n";
    if (r.verdict != Verdict::Passed) {
      const char* element = r.verdict == Verdict::Failed ? "failure" : "error";
      out += "      <" + std::string(element) + " message=\"" + xmlEscape(r.message) + "\" type=\"" + toString(r.verdict) + "\">" +
             xmlEscape(failureDetails(r)) + "</" + element + ">\n";
    }
    out += "      <system-out>" + xmlEscape(r.description) + "</system-out>\n";
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

Json jsonReport(const std::vector<ScenarioResult>& results) {
  Json scenarios = Json::array();
  int passed = 0;
  for (const auto& r : results) {
    passed += r.verdict == Verdict::Passed ? 1 : 0;
    Json timeline = Json::array();
    for (const auto& e : r.timeline) {
      timeline.push_back(Json{{"at", formatDuration(e.at.sinceStart)}, {"atMs", e.at.sinceStart.count()}, {"actor", e.actor}, {"type", e.type}, {"details", e.details}});
    }
    Json s{{"name", r.name},
           {"file", r.file},
           {"description", r.description},
           {"tags", r.tags},
           {"status", toString(r.verdict)},
           {"seed", r.seed},
           {"virtualTime", formatDuration(r.virtualTime)},
           {"virtualMs", r.virtualTime.count()},
           {"wallSeconds", r.wallSeconds},
           {"eventLogHash", r.eventLogHash},
           {"stepsRun", r.stepsRun},
           {"metrics", r.metrics.toJson()},
           {"timeline", std::move(timeline)}};
    if (r.verdict != Verdict::Passed) {
      s["failure"] = Json{{"message", r.message}, {"step", r.failedStep}, {"kind", r.failedStepKind}, {"diff", r.diff}, {"replay", replayCommand(r)}};
    }
    if (!r.workspace.empty()) s["workspace"] = r.workspace;
    if (!r.world.is_null()) s["world"] = r.world;
    scenarios.push_back(std::move(s));
  }
  return Json{{"tool", "gitops-sim"},
              {"summary", {{"total", results.size()}, {"passed", passed}, {"failed", static_cast<int>(results.size()) - passed}}},
              {"scenarios", std::move(scenarios)}};
}

}  // namespace gs::scenario
