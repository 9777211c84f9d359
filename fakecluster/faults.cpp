#include "fakecluster/faults.hpp"

#include "fakecluster/label_selector.hpp"

namespace gs::fake {

FaultId Faults::add(WriteFault fault) {
  writes_.emplace(next_, std::move(fault));
  return next_++;
}

FaultId Faults::add(PodFault fault) {
  LabelSelector::parse(fault.labelSelector);  // rejects a malformed selector now, not at match time
  pods_.emplace(next_, std::move(fault));
  return next_++;
}

void Faults::clear(FaultId id) {
  writes_.erase(id);
  pods_.erase(id);
}

void Faults::clearAll() {
  writes_.clear();
  pods_.clear();
}

namespace {

const char* reasonFor(int code) {
  switch (code) {
    case 409: return "Conflict";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "InternalError";
  }
}

}  // namespace

std::optional<ApiError> Faults::onWrite(std::string_view verb, std::string_view kind, std::string_view ns,
                                        std::string_view name, VirtualTime now) {
  for (auto it = writes_.begin(); it != writes_.end();) {
    WriteFault& f = it->second;
    if (f.until && now >= *f.until) {
      it = writes_.erase(it);
      continue;
    }
    bool matches = globMatch(f.verb, verb) && globMatch(f.kind, kind) && globMatch(f.ns, ns) && globMatch(f.name, name);
    if (matches && rng_.chance(f.probability)) {
      std::string message;
      if (f.code == 409) {
        message = "Operation cannot be fulfilled on " + std::string(kind) + " \"" + std::string(name) +
                  "\": the object has been modified; please apply your changes to the latest version and try again";
      } else if (f.code == 503) {
        message = "the server is currently unable to handle the request";
      } else {
        message = "Internal error occurred: injected fault";
      }
      ApiError error(f.code, reasonFor(f.code), message);
      if (f.times && --*f.times <= 0) writes_.erase(it);
      return error;
    }
    ++it;
  }
  return std::nullopt;
}

const PodFault* Faults::podFault(PodFault::Kind kind, const Json& pod, std::string_view image, VirtualTime now) const {
  const Json& meta = pod["metadata"];
  for (const auto& [id, f] : pods_) {
    if (f.kind != kind || (f.until && now >= *f.until)) continue;
    if (!globMatch(f.ns, meta.value("namespace", "")) || !globMatch(f.pod, meta.value("name", "")) || !globMatch(f.image, image)) {
      continue;
    }
    if (!f.labelSelector.empty() && !LabelSelector::parse(f.labelSelector).matches(meta.value("labels", Json()))) continue;
    return &f;
  }
  return nullptr;
}

}  // namespace gs::fake
