#include "fakecluster/http/pod_log.hpp"

#include <string>

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake::http {

namespace {

std::string inQuotes(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

Response podLog(const Json& pod, const Request& request) {
  const std::string& podName = stringAt(pod, {"metadata"_key, "name"_key});
  std::string container = request.param("container");
  const Json& containers = at(pod, {"spec"_key, "containers"_key});
  if (container.empty()) {
    if (!containers.is_array() || containers.size() != 1) {
      std::string names;
      for (const auto& c : containers) names += (names.empty() ? "" : " ") + c.value("name", "");
      throw ApiError::badRequest("a container name must be specified for pod " + podName + ", choose one of: [" + names + "]");
    }
    container = containers[0].value("name", "");
  } else {
    bool known = false;
    for (const char* list : {"initContainers", "containers"}) {
      for (const auto& c : at(pod, {"spec"_key, PathKey(list)})) known = known || c.value("name", "") == container;
    }
    if (!known) throw ApiError::badRequest("container " + container + " is not valid for pod " + podName);
  }
  if (stringAt(pod, {"spec"_key, "nodeName"_key}).empty()) throw ApiError::badRequest("pod " + podName + " does not have a host assigned");
  const Json* status = nullptr;
  for (const char* list : {"initContainerStatuses", "containerStatuses"}) {
    for (const auto& s : at(pod, {"status"_key, PathKey(list)})) {
      if (s.value("name", "") == container) status = &s;
    }
  }
  const std::string subject = "container " + inQuotes(container) + " in pod " + inQuotes(podName);
  if (status == nullptr) throw ApiError::badRequest(subject + " is not available");
  const Json& state = at(*status, {"state"_key});
  const Json& last = at(*status, {"lastState"_key, "terminated"_key});
  auto ranBefore = [&] { return last.is_object() && !stringAt(last, {"containerID"_key}).empty(); };
  if (request.param("previous") == "true") {
    if (!ranBefore()) throw ApiError::badRequest("previous terminated " + subject + " not found");
  } else if (!state.contains("running") && !state.contains("terminated") && !ranBefore()) {
    const std::string reason = stringAt(state, {"waiting"_key, "reason"_key});
    if (reason == "ErrImagePull") throw ApiError::badRequest(subject + " is waiting to start: image can't be pulled");
    if (reason == "ImagePullBackOff") throw ApiError::badRequest(subject + " is waiting to start: trying and failing to pull image");
    if (!reason.empty()) throw ApiError::badRequest(subject + " is waiting to start: " + reason);
    throw ApiError::badRequest(subject + " is waiting to start - no logs yet");
  }
  return Response{200, "text/plain", "", {}};
}

}  // namespace gs::fake::http
