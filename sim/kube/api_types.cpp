#include "sim/kube/api_types.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <stdexcept>

#include "sim/core/json_key_table.hpp"
#include "sim/kube/api_types_table.hpp"

namespace gs::kube {

const ApiField* ApiStruct::field(std::string_view name) const {
  auto it = std::lower_bound(fields.begin(), fields.end(), name, [](const ApiField& f, std::string_view n) { return f.name < n; });
  return it != fields.end() && it->name == name ? &*it : nullptr;
}

const ApiField* ApiStruct::field(const JsonKey& key) const {
  if (!key.ordersByAddress()) return field(key.view());
  // A shared text equals a field's name only if that name is the same table entry.
  const std::uintptr_t address = detail::sharedKeyAddress(key.str());
  auto it = std::lower_bound(sharedFields.begin(), sharedFields.end(), address, [](const auto& entry, std::uintptr_t a) { return entry.first < a; });
  return it != sharedFields.end() && it->first == address ? it->second : nullptr;
}

namespace {

struct Catalogue {
  std::deque<ApiStruct> structs;
  std::deque<ApiType> types;
  std::map<std::string, ApiStruct*, std::less<>> byClass;
  std::map<std::string, const ApiType*, std::less<>> typeByText;

  const ApiType* type(std::string_view text) {
    if (auto it = typeByText.find(text); it != typeByText.end()) return it->second;
    ApiType t;
    if (text.starts_with("[]")) {
      t.kind = ApiTypeKind::Slice;
      t.element = type(text.substr(2));
      t.goName = "[]" + t.element->goName;
    } else if (text.starts_with("string=")) {  // a named string type (v1.PullPolicy)
      t.kind = ApiTypeKind::String;
      t.goName = std::string(text.substr(7));
    } else if (text.starts_with("map[") && text.ends_with("]")) {
      t.kind = ApiTypeKind::Map;
      t.element = type(text.substr(4, text.size() - 5));
      // The one named map type of the API: v1.ResourceList is map[ResourceName]Quantity.
      t.goName = t.element->kind == ApiTypeKind::Quantity ? "v1.ResourceList" : "map[string]" + t.element->goName;
    } else {
      static const std::map<std::string_view, std::pair<ApiTypeKind, const char*>> kScalars = {
          {"string", {ApiTypeKind::String, "string"}},          {"bool", {ApiTypeKind::Bool, "bool"}},
          {"int32", {ApiTypeKind::Int32, "int32"}},             {"int64", {ApiTypeKind::Int64, "int64"}},
          {"float64", {ApiTypeKind::Float64, "float64"}},       {"intstr", {ApiTypeKind::IntOrString, "intstr.IntOrString"}},
          {"quantity", {ApiTypeKind::Quantity, "resource.Quantity"}}, {"time", {ApiTypeKind::Time, "v1.Time"}},
          {"microtime", {ApiTypeKind::MicroTime, "v1.MicroTime"}}, {"bytes", {ApiTypeKind::Bytes, "[]uint8"}},
          {"any", {ApiTypeKind::Any, "runtime.RawExtension"}},
      };
      if (auto s = kScalars.find(text); s != kScalars.end()) {
        t.kind = s->second.first;
        t.goName = s->second.second;
      } else if (auto c = byClass.find(text); c != byClass.end()) {
        t.kind = ApiTypeKind::Struct;
        t.structType = c->second;
        t.goName = c->second->goName;
      } else {
        throw std::logic_error("api types table: unknown type " + std::string(text));
      }
    }
    const ApiType* stored = &types.emplace_back(std::move(t));
    typeByText.emplace(std::string(text), stored);
    return stored;
  }
};

std::vector<std::string_view> tableLines() {
  std::vector<std::string_view> lines;
  for (std::string_view chunk : apiTypesTable()) {
    while (!chunk.empty()) {
      const auto end = chunk.find('\n');
      lines.push_back(chunk.substr(0, end));
      chunk = end == std::string_view::npos ? std::string_view() : chunk.substr(end + 1);
    }
  }
  return lines;
}

Catalogue build() {
  Catalogue c;
  const auto lines = tableLines();
  // First every struct, so that fields can name any of them.
  for (std::string_view line : lines) {
    if (!line.starts_with('@')) continue;
    const auto space = line.find(' ');
    ApiStruct& s = c.structs.emplace_back();
    s.goName = std::string(line.substr(space + 1));
    s.shortName = s.goName.substr(s.goName.find('.') + 1);
    // The model's name is [Group]Version Kind (CoreV1Event): the group prefix, if any, goes
    // before the version, as in Kubernetes' own definition names.
    const std::string className(line.substr(1, space - 1));
    const std::string version = s.goName.substr(0, s.goName.find('.'));
    const std::size_t versionAt = className.size() - s.shortName.size() - version.size();
    std::string group = className.substr(0, versionAt);
    for (char& ch : group) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    s.definition = "io.k8s.api." + (group.empty() ? "" : group + ".") + version + "." + s.shortName;
    c.byClass.emplace(std::string(line.substr(1, space - 1)), &s);
  }
  ApiStruct* current = nullptr;
  for (std::string_view line : lines) {
    if (line.empty()) continue;
    const auto space = line.find(' ');
    if (line.starts_with('@')) {
      current = c.byClass.find(line.substr(1, space - 1))->second;
      continue;
    }
    std::string_view type = line.substr(space + 1);
    constexpr std::string_view kOmitZero = " omitzero";
    const bool omitZero = type.ends_with(kOmitZero);
    if (omitZero) type.remove_suffix(kOmitZero.size());
    current->fields.push_back(ApiField{std::string(line.substr(0, space)), c.type(type), omitZero});
  }
  for (auto& s : c.structs) {
    std::sort(s.fields.begin(), s.fields.end(), [](const ApiField& a, const ApiField& b) { return a.name < b.name; });
    for (const auto& f : s.fields) {
      if (auto key = JsonKey::findShared(f.name)) s.sharedFields.emplace_back(detail::sharedKeyAddress(key->str()), &f);
    }
    std::sort(s.sharedFields.begin(), s.sharedFields.end());
  }
  return c;
}

const Catalogue& catalogue() {
  static const Catalogue c = build();
  return c;
}

std::string capitalized(std::string_view text) {
  std::string out(text);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace

const ApiStruct* apiStructFor(std::string_view group, std::string_view version, std::string_view kind) {
  const Catalogue& c = catalogue();
  const std::string plain = capitalized(version) + std::string(kind);
  if (auto it = c.byClass.find(plain); it != c.byClass.end()) return it->second;
  // Kinds two groups share are named after their group (CoreV1Event, EventsV1Event).
  const std::string prefix = group.empty() ? "Core" : capitalized(group.substr(0, group.find('.')));
  if (auto it = c.byClass.find(prefix + plain); it != c.byClass.end()) return it->second;
  return nullptr;
}

}  // namespace gs::kube
