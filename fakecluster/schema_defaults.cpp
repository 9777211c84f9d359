#include "fakecluster/schema_defaults.hpp"

namespace gs::fake {

namespace {

// Deep enough for any real schema; a deeper (or cyclic-looking) input is left alone.
constexpr int kMaxDepth = 64;

void defaults(Json& value, const Json& schema, int depth) {
  if (depth > kMaxDepth || !schema.is_object()) return;
  if (value.is_object()) {
    if (auto properties = schema.find("properties"); properties != schema.end() && properties->is_object()) {
      for (auto it = properties->begin(); it != properties->end(); ++it) {
        const Json& property = it.value();
        if (!property.is_object()) continue;
        auto present = value.find(it.key());
        const bool nullable = property.value("nullable", false) == true;
        if (property.contains("default") && (present == value.end() || (present->is_null() && !nullable))) {
          value[it.key()] = property["default"];
        }
      }
      for (auto it = properties->begin(); it != properties->end(); ++it) {
        auto present = value.find(it.key());
        if (present != value.end()) defaults(*present, it.value(), depth + 1);
      }
    } else if (auto additional = schema.find("additionalProperties"); additional != schema.end() && additional->is_object()) {
      for (auto& [key, member] : value.items()) defaults(member, *additional, depth + 1);
    }
  } else if (value.is_array()) {
    if (auto items = schema.find("items"); items != schema.end() && items->is_object()) {
      for (auto& item : value) defaults(item, *items, depth + 1);
    }
  }
}

}  // namespace

void applySchemaDefaults(Json& value, const Json& schema) { defaults(value, schema, 0); }

}  // namespace gs::fake
