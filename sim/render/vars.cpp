#include "sim/render/vars.hpp"

#include <algorithm>
#include <regex>

#include "sim/render/field_path.hpp"

namespace gs::render {

namespace {

std::string effectiveNamespace(const std::string& ns) { return ns.empty() ? "default" : ns; }

// kustomize matches a var's objref against each object's original id: group, version,
// kind and name exactly, and the namespace too when the objref gives one (or the kind
// is cluster-scoped).
bool originallyIs(const Resource& r, const ResIdSelector& id) {
  if (r.group() != id.group || r.version() != id.version || r.kind() != id.kind || r.originalName != id.name) return false;
  if (id.namespace_.empty()) return true;
  return effectiveNamespace(r.originalNamespace) == effectiveNamespace(id.namespace_);
}

// kyaml's GetFieldValue also reads "ports[0]" as "ports", "0".
std::vector<std::string> varFieldPath(const std::string& path) {
  static const std::regex indexed(R"(^(.*)\[(\d+)\]$)");
  std::vector<std::string> out;
  for (auto& part : splitFieldPath(path)) {
    std::smatch m;
    if (!std::regex_match(part, m, indexed)) {
      out.push_back(std::move(part));
      continue;
    }
    if (m[1].length() > 0) out.push_back(m[1].str());
    out.push_back(m[2].str());
  }
  return out;
}

// The value a var takes, or null when it is not a scalar (kustomize then leaves the
// reference as written).
Json varValue(const Var& var, const Resources& resources) {
  for (const auto& r : resources) {
    if (std::find(r.refVarNames.begin(), r.refVarNames.end(), var.name) == r.refVarNames.end()) continue;
    const Json* value = lookupField(r.object, varFieldPath(var.fieldPath));
    if (value == nullptr) {
      throw Error::invalid("field specified in var '" + var.name + "' (" + var.fieldPath + ") not found in corresponding resource " +
                               r.describe(),
                           var.where, "vars");
    }
    return value->is_structured() ? Json() : *value;
  }
  const ResIdSelector& t = var.target;
  throw Error::invalid("var '" + var.name + "' cannot be mapped to a field in the set of known resources: no " + t.kind + " named \"" + t.name +
                           "\" with group \"" + t.group + "\" and version \"" + t.version +
                           "\" (an objref matches the group and version exactly; apiVersion gives both)",
                       var.where, "vars");
}

// `stringMap`: the field is metadata labels or annotations, whose values stay strings.
void expandIn(Json& value, const std::map<std::string, Json>& values, bool stringMap) {
  if (value.is_string()) {
    value = expandVars(value.get<std::string>(), values);
  } else if (value.is_object()) {
    for (auto& [key, member] : value.items()) {
      if (!member.is_string()) continue;
      member = expandVars(member.get<std::string>(), values);
      if (stringMap && !member.is_string()) member = scalarText(member);
    }
  }
}

}  // namespace

Json expandVars(const std::string& input, const std::map<std::string, Json>& values) {
  std::string out;
  std::size_t checkpoint = 0;
  for (std::size_t cursor = 0; cursor < input.size(); ++cursor) {
    if (input[cursor] != '$' || cursor + 1 >= input.size()) continue;
    out.append(input, checkpoint, cursor - checkpoint);
    const char next = input[cursor + 1];
    std::size_t advance = 1;
    if (next == '$') {
      out += '$';  // "$$": an escaped operator
    } else if (next == '(') {
      const std::size_t close = input.find(')', cursor + 2);
      if (close == std::string::npos) {
        out += "$(";
      } else {
        const std::string name = input.substr(cursor + 2, close - cursor - 2);
        auto it = values.find(name);
        const bool known = it != values.end() && !it->second.is_null();
        if (input.size() == name.size() + 3) return known ? it->second : Json(input);  // the whole string: keep the value's type
        out += known ? scalarText(it->second) : "$(" + name + ")";
        advance = close - cursor;
      }
    } else {
      out += '$';
      out += next;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  out.append(input, std::min(checkpoint, input.size()), std::string::npos);
  return out;
}

void mergeVars(Resources& resources, std::vector<Var>& set, const Kustomization& k) {
  for (const auto& var : k.vars) {
    std::vector<Resource*> matched;
    for (auto& r : resources) {
      if (originallyIs(r, var.target)) matched.push_back(&r);
    }
    if (matched.size() > 1) {
      throw k.error(var.pointer, "found " + std::to_string(matched.size()) + " resId matches for var " + var.name + " (unable to disambiguate)");
    }
    if (matched.size() == 1) matched.front()->refVarNames.push_back(var.name);
    if (std::any_of(set.begin(), set.end(), [&](const Var& v) { return v.name == var.name; })) {
      throw k.error(var.pointer, "var '" + var.name + "' already encountered");
    }
    set.push_back(var);
  }
}

void resolveVars(Resources& resources, const std::vector<Var>& set, const std::vector<FieldSpec>& varReference) {
  if (set.empty()) return;
  std::map<std::string, Json> values;
  for (const auto& var : set) values[var.name] = varValue(var, resources);
  for (auto& r : resources) {
    const std::string group = r.group(), version = r.version(), kind = r.kind();
    for (const auto& spec : varReference) {
      if (!specMatches(spec, group, version, kind)) continue;
      const bool stringMap = spec.path.ends_with("labels") || spec.path.ends_with("annotations");
      visitField(r.object, FieldSpec{spec.group, spec.version, spec.kind, spec.path, false},
                 [&](Json& value) { expandIn(value, values, stringMap); });
    }
  }
}

}  // namespace gs::render
