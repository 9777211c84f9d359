#include "fakecluster/rollout_validation.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "fakecluster/metadata_validation.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

// Go's %q of a string (the ASCII cases; JSON's escapes coincide with Go's for them).
std::string goQuoted(const std::string& text) { return Json(text).dump(); }

// intstr.IntOrString as a field error prints it: its String() has a pointer receiver, so
// the value prints as Go's %#v of the struct (Type 0 for an int, 1 for a string).
std::string goIntOrString(const Json& value) {
  if (value.is_string()) return "intstr.IntOrString{Type:1, IntVal:0, StrVal:" + goQuoted(value.get<std::string>()) + "}";
  const std::int64_t n = value.is_number_integer() ? value.get<std::int64_t>() : 0;
  return "intstr.IntOrString{Type:0, IntVal:" + std::to_string(n) + ", StrVal:\"\"}";
}

// Go's %#v of a pointer that is set. The address is the allocator's and differs on every
// request; a fixed one keeps the messages deterministic.
std::string goPointer(const char* type, bool set) { return std::string("(*") + type + ")(" + (set ? "0xc000a3e0c0" : "nil") + ")"; }

// IsValidPercent: [0-9]+%.
bool isPercent(const std::string& text) {
  return text.size() >= 2 && text.back() == '%' && std::all_of(text.begin(), text.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
}

// Go's strconv.Atoi of a whole string: 0 when it is not a (signed) decimal integer.
std::int64_t atoiOrZero(const std::string& text) {
  std::size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  if (i == text.size() || !std::all_of(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return 0;
  try {
    return std::stoll(text);
  } catch (const std::out_of_range&) {
    return 0;
  }
}

// getIntOrPercentValue: a percent's number, an int's value, otherwise Atoi of the text.
std::int64_t intOrPercentValue(const Json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (!value.is_string()) return 0;
  const std::string& text = value.get_ref<const std::string&>();
  return isPercent(text) ? atoiOrZero(text.substr(0, text.size() - 1)) : atoiOrZero(text);
}

class Causes {
 public:
  explicit Causes(std::vector<StatusCause>& out) : out_(out) {}
  void invalid(const std::string& field, const std::string& value, const std::string& detail) {
    out_.push_back(StatusCause{"FieldValueInvalid", field, "Invalid value: " + value + ": " + detail});
  }
  void required(const std::string& field, const std::string& detail) {
    out_.push_back(StatusCause{"FieldValueRequired", field, "Required value: " + detail});
  }
  void forbidden(const std::string& field, const std::string& detail) { out_.push_back(StatusCause{"FieldValueForbidden", field, "Forbidden: " + detail}); }
  void unsupported(const std::string& field, const std::string& value, const std::string& supported) {
    out_.push_back(StatusCause{"FieldValueNotSupported", field, "Unsupported value: " + value + ": supported values: " + supported});
  }

  // ValidatePositiveIntOrPercent.
  void intOrPercent(const Json& value, const std::string& field) {
    if (value.is_string() && !isPercent(value.get<std::string>())) {
      invalid(field, goIntOrString(value), regexError("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", {"1%", "93%"}));
    } else if (value.is_number_integer() && value.get<std::int64_t>() < 0) {
      invalid(field, value.dump(), "must be greater than or equal to 0");
    }
  }
  // IsNotMoreThan100Percent.
  void atMost100Percent(const Json& value, const std::string& field) {
    if (value.is_string() && isPercent(value.get<std::string>()) && intOrPercentValue(value) > 100) {
      invalid(field, goIntOrString(value), "must not be greater than 100%");
    }
  }

 private:
  std::vector<StatusCause>& out_;
};

void checkDeployment(Causes& c, const Json& spec) {
  const Json& strategy = memberOr(spec, "strategy", kEmptyObjectJson);
  const std::string type = stringAt(strategy, {"type"});
  const Json& rollingUpdate = memberOr(strategy, "rollingUpdate", kNullJson);
  if (type == "Recreate") {
    if (!rollingUpdate.is_null()) c.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
  } else if (type == "RollingUpdate") {
    if (!rollingUpdate.is_object()) {
      c.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil");
    } else {
      const Json& maxUnavailable = memberOr(rollingUpdate, "maxUnavailable", kNullJson);
      const Json& maxSurge = memberOr(rollingUpdate, "maxSurge", kNullJson);
      c.intOrPercent(maxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable");
      c.intOrPercent(maxSurge, "spec.strategy.rollingUpdate.maxSurge");
      if (intOrPercentValue(maxUnavailable) == 0 && intOrPercentValue(maxSurge) == 0) {
        c.invalid("spec.strategy.rollingUpdate.maxUnavailable", goIntOrString(maxUnavailable), "may not be 0 when `maxSurge` is 0");
      }
      c.atMost100Percent(maxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable");
    }
  } else if (strategy.is_object()) {
    c.unsupported("spec.strategy",
                  "apps.DeploymentStrategy{Type:" + goQuoted(type) + ", RollingUpdate:" + goPointer("apps.RollingUpdateDeployment", !rollingUpdate.is_null()) + "}",
                  "\"Recreate\", \"RollingUpdate\"");
  }
  const Json& deadline = memberOr(spec, "progressDeadlineSeconds", kNullJson);
  const Json& minReady = memberOr(spec, "minReadySeconds", kNullJson);
  if (deadline.is_number_integer() && deadline.get<std::int64_t>() >= 0 &&
      deadline.get<std::int64_t>() <= (minReady.is_number_integer() ? minReady.get<std::int64_t>() : 0)) {
    c.invalid("spec.progressDeadlineSeconds", deadline.dump(), "must be greater than minReadySeconds");
  }
}

void checkDaemonSet(Causes& c, const Json& spec) {
  const Json& strategy = memberOr(spec, "updateStrategy", kEmptyObjectJson);
  const std::string type = stringAt(strategy, {"type"});
  const Json& rollingUpdate = memberOr(strategy, "rollingUpdate", kNullJson);
  if (type == "OnDelete") return;
  if (type != "RollingUpdate") {
    if (strategy.is_object()) {
      c.unsupported("spec.updateStrategy",
                    "apps.DaemonSetUpdateStrategy{Type:" + goQuoted(type) + ", RollingUpdate:" + goPointer("apps.RollingUpdateDaemonSet", !rollingUpdate.is_null()) + "}",
                    "\"RollingUpdate\", \"OnDelete\"");
    }
    return;
  }
  if (!rollingUpdate.is_object()) return c.required("spec.updateStrategy.rollingUpdate", "");
  const Json& maxUnavailable = memberOr(rollingUpdate, "maxUnavailable", kNullJson);
  const Json& maxSurge = memberOr(rollingUpdate, "maxSurge", kNullJson);
  c.intOrPercent(maxUnavailable, "spec.updateStrategy.rollingUpdate.maxUnavailable");
  c.intOrPercent(maxSurge, "spec.updateStrategy.rollingUpdate.maxSurge");
  c.atMost100Percent(maxUnavailable, "spec.updateStrategy.rollingUpdate.maxUnavailable");
  c.atMost100Percent(maxSurge, "spec.updateStrategy.rollingUpdate.maxSurge");
  const bool hasUnavailable = intOrPercentValue(maxUnavailable) != 0;
  const bool hasSurge = intOrPercentValue(maxSurge) != 0;
  if (hasUnavailable && hasSurge) {
    c.invalid("spec.updateStrategy.rollingUpdate.maxSurge", goIntOrString(maxSurge), "may not be set when maxUnavailable is non-zero");
  } else if (!hasUnavailable && !hasSurge) {
    c.required("spec.updateStrategy.rollingUpdate.maxUnavailable", "cannot be 0 when maxSurge is 0");
  }
}

void checkDisruptionBudget(Causes& c, const Json& spec) {
  const Json& minAvailable = memberOr(spec, "minAvailable", kNullJson);
  const Json& maxUnavailable = memberOr(spec, "maxUnavailable", kNullJson);
  if (!minAvailable.is_null() && !maxUnavailable.is_null()) {
    const bool selector = !memberOr(spec, "selector", kNullJson).is_null();
    const bool policy = !memberOr(spec, "unhealthyPodEvictionPolicy", kNullJson).is_null();
    c.invalid("spec",
              "policy.PodDisruptionBudgetSpec{MinAvailable:" + goPointer("intstr.IntOrString", true) + ", Selector:" + goPointer("v1.LabelSelector", selector) +
                  ", MaxUnavailable:" + goPointer("intstr.IntOrString", true) +
                  ", UnhealthyPodEvictionPolicy:" + goPointer("policy.UnhealthyPodEvictionPolicyType", policy) + "}",
              "minAvailable and maxUnavailable cannot be both set");
  }
  for (const auto& [value, field] : {std::pair{&minAvailable, "spec.minAvailable"}, std::pair{&maxUnavailable, "spec.maxUnavailable"}}) {
    if (value->is_null()) continue;
    c.intOrPercent(*value, field);
    c.atMost100Percent(*value, field);
  }
}

}  // namespace

void checkRolloutBounds(std::string_view group, std::string_view kind, const Json& object, std::vector<StatusCause>& causes) {
  const Json& spec = memberOr(object, "spec", kEmptyObjectJson);
  if (!spec.is_object()) return;
  Causes c(causes);
  if (group == "apps" && kind == "Deployment") checkDeployment(c, spec);
  else if (group == "apps" && kind == "DaemonSet") checkDaemonSet(c, spec);
  else if (group == "apps" && kind == "StatefulSet") {
    const Json& partition = at(spec, {"updateStrategy", "rollingUpdate", "partition"});
    if (partition.is_number_integer() && partition.get<std::int64_t>() < 0) {
      c.invalid("spec.updateStrategy.rollingUpdate.partition", partition.dump(), "must be greater than or equal to 0");
    }
  } else if (group == "policy" && kind == "PodDisruptionBudget") {
    checkDisruptionBudget(c, spec);
  }
}

}  // namespace gs::fake
