#include "sim/kube/typed_decode.hpp"

#include <cmath>
#include <limits>
#include <optional>

#include "sim/core/base64.hpp"
#include "sim/core/clock.hpp"
#include "sim/kube/defaults.hpp"
#include "sim/kube/quantity.hpp"

namespace gs::kube {
namespace {

constexpr std::size_t kMaxUnknownFields = 100;  // the API server stops collecting there
constexpr int kMaxDepth = 10000;                // Go's decoder refuses deeper nesting

// A scalar's zero value as Go's omitempty sees it: false, 0, "" (and null, which decodes
// to the zero value).
bool isZeroScalar(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return true;
    case Json::value_t::boolean: return !value.get<bool>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return value == 0;
    case Json::value_t::string: return value.get_ref<const std::string&>().empty();
    default: return false;
  }
}

void dropZeroOmittedValue(Json& value, const ApiType& type, int depth);

void dropZeroOmittedStruct(Json& object, const ApiStruct& shape, int depth) {
  auto* members = object.get_ptr<Json::object_t*>();
  if (members == nullptr || depth > kMaxDepth) return;
  std::erase_if(*members, [&](auto& member) {
    const ApiField* field = shape.field(member.first);
    if (field == nullptr) return false;
    if (field->omitZero) return isZeroScalar(member.second);
    // Kubernetes' map fields are all omitempty: an empty map is left out too.
    if (field->type->kind == ApiTypeKind::Map && member.second.is_object() && member.second.empty()) return true;
    dropZeroOmittedValue(member.second, *field->type, depth + 1);
    return false;
  });
}

void dropZeroOmittedValue(Json& value, const ApiType& type, int depth) {
  switch (type.kind) {
    case ApiTypeKind::Struct: dropZeroOmittedStruct(value, *type.structType, depth); return;
    case ApiTypeKind::Slice:
      if (value.is_array() && type.element->kind != ApiTypeKind::String) {
        for (auto& item : value) dropZeroOmittedValue(item, *type.element, depth + 1);
      }
      return;
    case ApiTypeKind::Map:
      if (value.is_object() && type.element->kind == ApiTypeKind::Struct) {
        for (auto& [key, item] : value.get_ref<Json::object_t&>()) dropZeroOmittedValue(item, *type.element, depth + 1);
      }
      return;
    default: return;
  }
}

// What Go's decoder calls a JSON value in "cannot unmarshal <what> into ...".
std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string: return "string";
    case Json::value_t::boolean: return "bool";
    case Json::value_t::object: return "object";
    case Json::value_t::array: return "array";
    default: return "number";
  }
}

// The integer a JSON number holds, if it is one (3.0 is: a client's JSON would say 3).
std::optional<std::int64_t> integral(const Json& value) {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return value.get<std::int64_t>();
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

class Decoder {
 public:
  // Decodes `object` as `type`, removing its unknown fields.
  void decodeStruct(Json& object, const ApiStruct& type, int depth) {
    auto* members = object.get_ptr<Json::object_t*>();
    if (members == nullptr) return;
    const std::string* outerStruct = structName_;
    structName_ = &type.shortName;
    std::erase_if(*members, [&](auto& member) {
      if (aborted_) return false;
      const ApiField* field = type.field(member.first);
      if (field == nullptr) {
        if (unknownFields_.size() < kMaxUnknownFields) unknownFields_.push_back("unknown field \"" + path(member.first.str()) + "\"");
        return true;
      }
      path_.push_back(Segment{&field->name, 0, true});
      decodeValue(member.second, *field->type, depth + 1);
      path_.pop_back();
      // Encoded again, the object leaves out a zero scalar its Go field omits when empty.
      return !aborted_ && field->omitZero && isZeroScalar(member.second);
    });
    structName_ = outerStruct;
  }

  TypedDecodeResult result() && { return TypedDecodeResult{aborted_ ? std::move(stopped_) : std::move(saved_), std::move(unknownFields_)}; }

 private:
  // Where decoding is: field names and map keys joined by dots, list indexes in brackets
  // (the strict decoder's paths); Go's type errors name the field names alone.
  struct Segment {
    const std::string* text;  // a field name or map key; null for a list index
    std::size_t index;
    bool field;  // a struct field's name
  };
  std::vector<Segment> path_;
  const std::string* structName_ = nullptr;  // the innermost struct being decoded
  std::string saved_;                        // the first error decoding went on after
  std::string stopped_;                      // an error that stopped decoding (custom unmarshalers)
  bool aborted_ = false;
  std::vector<std::string> unknownFields_;

  std::string path(const std::string& last) const {
    std::string text;
    for (const Segment& s : path_) {
      if (s.text == nullptr) text += '[' + std::to_string(s.index) + ']';
      else text += (text.empty() ? "" : ".") + *s.text;
    }
    return text + (text.empty() ? "" : ".") + last;
  }

  std::string context() const {
    std::string fields;
    for (const Segment& s : path_) {
      if (s.field) fields += (fields.empty() ? "" : ".") + *s.text;
    }
    return "Go struct field " + (structName_ != nullptr ? *structName_ : std::string()) + "." + fields;
  }

  std::string typeError(const std::string& what, const std::string& goType) const {
    return "json: cannot unmarshal " + what + " into " + context() + " of type " + goType;
  }

  void save(std::string error) {
    if (saved_.empty()) saved_ = std::move(error);
  }
  void abort(std::string error) {
    stopped_ = std::move(error);
    aborted_ = true;
  }

  // inResourceList: `value` is a value of a map of quantities (v1.ResourceList, the only such map).
  void decodeValue(Json& value, const ApiType& type, int depth, bool inResourceList = false) {
    if (value.is_null() || aborted_) return;
    if (depth > kMaxDepth) {
      abort("json: exceeded max depth");
      return;
    }
    switch (type.kind) {
      case ApiTypeKind::Any:
        return;
      case ApiTypeKind::String:
        if (!value.is_string()) save(typeError(describe(value), type.goName));
        return;
      case ApiTypeKind::Bool:
        if (!value.is_boolean()) save(typeError(describe(value), type.goName));
        return;
      case ApiTypeKind::Float64:
        if (!value.is_number()) save(typeError(describe(value), type.goName));
        return;
      case ApiTypeKind::Int32:
      case ApiTypeKind::Int64:
        decodeInteger(value, type.kind == ApiTypeKind::Int32, type.goName, false);
        return;
      case ApiTypeKind::IntOrString:
        // IntOrString decodes a non-string as an int32 on its own, and its error stops decoding.
        if (!value.is_string()) decodeInteger(value, true, "int32", true);
        return;
      case ApiTypeKind::Quantity: {
        const auto parsed = value.is_string() ? Quantity::parse(value.get_ref<const std::string&>())
                            : value.is_number() ? Quantity::fromJson(value)
                                                : std::nullopt;
        if (!parsed) {
          abort("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
          return;
        }
        // Stored as the server serializes a resource.Quantity: its canonical text ("0.5" is
        // "500m", 1 is "1", "1024Mi" is "1Gi"); an exponent form keeps its own format. A
        // ResourceList's values are first rounded up to thousandths ("100u" is "1m").
        const std::string text = value.is_string() ? value.get<std::string>() : std::string();
        if (text.find_first_of("eE") == std::string::npos) {
          value = (inResourceList ? parsed->roundedUpToMilli() : *parsed).canonical(binarySuffix(text));
        }
        return;
      }
      case ApiTypeKind::Time:
      case ApiTypeKind::MicroTime:
        if (!value.is_string()) {
          abort(typeError(describe(value), "string"));
        } else if (!parseRfc3339(value.get_ref<const std::string&>())) {
          const auto& text = value.get_ref<const std::string&>();
          abort("parsing time \"" + text + "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"" + text + "\" as \"2006\"");
        }
        return;
      case ApiTypeKind::Bytes:
        if (!value.is_string()) {
          save(typeError(describe(value), type.goName));
        } else if (auto offset = base64ErrorOffset(value.get_ref<const std::string&>())) {
          save("illegal base64 data at input byte " + std::to_string(*offset));
        } else {
          unwrapBase64(value.get_ref<std::string&>());  // decoded and encoded again: line breaks go
        }
        return;
      case ApiTypeKind::Struct:
        if (!value.is_object()) save(typeError(describe(value), type.goName));
        else decodeStruct(value, *type.structType, depth);
        return;
      case ApiTypeKind::Slice:
        if (!value.is_array()) {
          save(typeError(describe(value), type.goName));
          return;
        }
        for (std::size_t i = 0; i < value.size() && !aborted_; ++i) {
          path_.push_back(Segment{nullptr, i, false});
          decodeValue(value[i], *type.element, depth + 1);
          path_.pop_back();
        }
        return;
      case ApiTypeKind::Map:
        if (!value.is_object()) {
          save(typeError(describe(value), type.goName));
          return;
        }
        for (auto& [key, element] : value.get_ref<Json::object_t&>()) {
          if (aborted_) return;
          path_.push_back(Segment{&key.str(), 0, false});
          decodeValue(element, *type.element, depth + 1, type.element->kind == ApiTypeKind::Quantity);
          path_.pop_back();
        }
        return;
    }
  }

  void decodeInteger(Json& value, bool int32, const std::string& goType, bool stops) {
    std::string error;
    if (!value.is_number()) {
      error = typeError(describe(value), goType);
    } else if (auto n = integral(value);
               n && (!int32 || (*n >= std::numeric_limits<std::int32_t>::min() && *n <= std::numeric_limits<std::int32_t>::max()))) {
      if (value.is_number_float()) value = *n;
      return;
    } else {
      error = typeError("number " + value.dump(), goType);
    }
    if (stops) abort(std::move(error));
    else save(std::move(error));
  }
};

}  // namespace

void dropZeroOmitted(Json& object, const ApiStruct& root) { dropZeroOmittedStruct(object, root, 0); }

TypedDecodeResult decodeTyped(Json& object, const ApiStruct& root) {
  Decoder decoder;
  decoder.decodeStruct(object, root, 0);
  return std::move(decoder).result();
}

}  // namespace gs::kube
