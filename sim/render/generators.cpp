#include "sim/render/generators.hpp"
#include "sim/core/json_lookup.hpp"

#include <cstdio>

#include "sim/core/base64.hpp"
#include "sim/core/sha256.hpp"

namespace gs::render {

namespace {

bool validUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 99;
    if (n == 99 || i + n >= s.size() + (n == 0 ? 1 : 0) || (n > 0 && i + n > s.size() - 1)) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}



// A value written with matching quotes around it loses them, as kustomize does.
std::string unquote(const std::string& v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) return v.substr(1, v.size() - 2);
  return v;
}

class DataBuilder {
 public:
  DataBuilder(const Kustomization& k, const GeneratorArgs& args, bool secret) : k_(k), args_(args), secret_(secret) {}

  void add(const std::string& key, const std::string& value, const std::string& pointer) {
    if (entries_.count(key) != 0) {
      throw k_.error(pointer, std::string(secret_ ? "secret " : "configmap ") + args_.name + " illegally repeats the key `" + key + "`");
    }
    entries_[key] = value;
  }

  const std::map<std::string, std::string>& entries() const { return entries_; }

 private:
  const Kustomization& k_;
  const GeneratorArgs& args_;
  bool secret_;
  std::map<std::string, std::string> entries_;
};

// kustomize's MergeGlobalOptionsIntoLocal: local labels and annotations win; a flag is
// on when either sets it (a local false cannot turn off a global true).
GeneratorOptions effectiveOptions(const Kustomization& k, const GeneratorArgs& args) {
  GeneratorOptions o = args.globalOptions ? k.generatorOptions : GeneratorOptions{};
  if (args.options) {
    for (const auto& [key, v] : args.options->labels) o.labels[key] = v;
    for (const auto& [key, v] : args.options->annotations) o.annotations[key] = v;
    o.disableNameSuffixHash = o.disableNameSuffixHash.value_or(false) || args.options->disableNameSuffixHash.value_or(false);
    o.immutable = o.immutable.value_or(false) || args.options->immutable.value_or(false);
  }
  return o;
}

// kustomize's encodeBase64 for Secret data and a ConfigMap's binaryData: standard base64
// in lines of 70 characters, each followed by a newline, once the text reaches 70 characters.
std::string wrappedBase64(const std::string& in) {
  constexpr std::size_t kLine = 70;
  const std::string encoded = base64Encode(in);
  if (encoded.size() < kLine) return encoded;
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += kLine) out += encoded.substr(i, kLine) + "\n";
  return out;
}

}  // namespace

std::string goJsonQuote(const std::string& text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    char buf[8];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '<':
      case '>':
      case '&':
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
        break;
      default:
        if (c < 0x20) {
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else if (c == 0xe2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(text[i + 2]) == 0xa8 || static_cast<unsigned char>(text[i + 2]) == 0xa9)) {
          out += static_cast<unsigned char>(text[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string generatedNameHash(const Json& object) {
  // kustomize hashes {"data":...,"kind":...,"name":"", ["binaryData":..., "type":...]}
  // encoded by Go's json.Marshal (keys sorted, HTML-safe escapes), then encodes the
  // first 10 hex digits of the sha256 without vowels-like digits that spell words.
  auto stringMap = [](const Json& m) {
    std::string out = "{";
    bool first = true;
    if (m.is_object()) {
      for (auto it = m.begin(); it != m.end(); ++it) {
        if (!first) out += ",";
        first = false;
        out += goJsonQuote(it.key()) + ":" + goJsonQuote(it->is_string() ? it->get<std::string>() : it->dump());
      }
    }
    return out + "}";
  };
  const std::string kind = stringMember(object, "kind");
  std::string json = "{";
  if (object.contains("binaryData") && !object["binaryData"].empty()) json += "\"binaryData\":" + stringMap(object["binaryData"]) + ",";
  json += "\"data\":" + (object.contains("data") && object["data"].is_object() ? stringMap(object["data"]) : std::string("\"\"")) + ",";
  json += "\"kind\":" + goJsonQuote(kind) + ",\"name\":\"\"";
  if (kind == "Secret") {
    if (object.contains("stringData") && object["stringData"].is_object()) json += ",\"stringData\":" + stringMap(object["stringData"]);
    json += ",\"type\":" + goJsonQuote(stringMember(object, "type"));
  }
  json += "}";
  std::string hex = sha256Hex(json).substr(0, 10);
  for (char& c : hex) {
    switch (c) {
      case '0': c = 'g'; break;
      case '1': c = 'h'; break;
      case '3': c = 'k'; break;
      case 'a': c = 'm'; break;
      case 'e': c = 't'; break;
      default: break;
    }
  }
  return hex;
}

Resource generate(const FileSource& source, const Kustomization& k, const GeneratorArgs& args, bool secret) {
  DataBuilder data(k, args, secret);
  auto readRef = [&](const std::string& rel, const std::string& pointer) {
    const std::string path = joinPath(k.dir, rel, k.file);
    if (!isReallyWithin(source, path, k.dir)) {
      throw k.error(pointer, "security; file '" + source.display(path) + "' is not in or below '" + source.display(k.dir) + "'");
    }
    if (source.isDirectory(path)) throw k.error(pointer, "'" + source.display(path) + "' must resolve to a file");
    auto content = source.read(path);
    if (!content) throw k.error(pointer, "file '" + source.display(path) + "' not found");
    return *content;
  };
  // kustomize loads env files first, then literals, then files.
  for (std::size_t i = 0; i < args.envs.size(); ++i) {
    const std::string pointer = args.pointer + "/envs/" + std::to_string(i);
    const std::string text = readRef(args.envs[i], pointer);
    std::size_t lineNo = 0, start = 0;
    while (start < text.size()) {
      auto nl = text.find('\n', start);
      std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      start = nl == std::string::npos ? text.size() : nl + 1;
      ++lineNo;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (lineNo == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // byte order mark
      if (!validUtf8(line)) throw k.error(pointer, args.envs[i] + ": line " + std::to_string(lineNo) + " has invalid utf8 bytes");
      // Leading white space goes; the rest of the line is kept as written.
      line.erase(0, line.find_first_not_of(" \t"));
      if (line.empty() || line.front() == '#') continue;
      auto eq = line.find('=');
      if (eq == 0) continue;  // an empty key: kustomize skips the line
      if (eq == std::string::npos) {
        data.add(line, "", pointer);
      } else {
        data.add(line.substr(0, eq), line.substr(eq + 1), pointer);
      }
    }
  }
  for (std::size_t i = 0; i < args.literals.size(); ++i) {
    const std::string& literal = args.literals[i];
    const std::string pointer = args.pointer + "/literals/" + std::to_string(i);
    auto eq = literal.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw k.error(pointer, "invalid literal source " + literal + ", expected key=value");
    }
    data.add(literal.substr(0, eq), unquote(literal.substr(eq + 1)), pointer);
  }
  for (std::size_t i = 0; i < args.files.size(); ++i) {
    const std::string& spec = args.files[i];
    const std::string pointer = args.pointer + "/files/" + std::to_string(i);
    auto eq = spec.find('=');
    std::string key = eq == std::string::npos ? baseName(spec) : spec.substr(0, eq);
    std::string path = eq == std::string::npos ? spec : spec.substr(eq + 1);
    if (key.empty() || path.empty() || path.find('=') != std::string::npos) {
      throw k.error(pointer, "invalid file source \"" + spec + "\": expected PATH or KEY=PATH");
    }
    data.add(key, readRef(path, pointer), pointer);
  }

  const GeneratorOptions options = effectiveOptions(k, args);
  Json object{{"apiVersion", "v1"}, {"kind", secret ? "Secret" : "ConfigMap"}, {"metadata", {{"name", args.name}}}};
  if (!args.namespace_.empty()) object["metadata"]["namespace"] = args.namespace_;
  if (!options.labels.empty()) object["metadata"]["labels"] = Json(options.labels);
  if (!options.annotations.empty()) object["metadata"]["annotations"] = Json(options.annotations);
  Json dataObj = Json::object(), binary = Json::object();
  for (const auto& [key, value] : data.entries()) {
    if (secret) {
      dataObj[key] = wrappedBase64(value);
    } else if (validUtf8(value)) {
      dataObj[key] = value;
    } else {
      binary[key] = wrappedBase64(value);
    }
  }
  if (!dataObj.empty()) object["data"] = dataObj;
  if (!binary.empty()) object["binaryData"] = binary;
  if (secret) object["type"] = args.type.empty() ? "Opaque" : args.type;
  if (options.immutable.value_or(false)) object["immutable"] = true;

  Resource r = makeResource(std::move(object), k.file);
  r.generated = true;
  r.sourcePath = joinPath(k.dir, baseName(k.file), k.file);
  r.generatorKind = secret ? "SecretGenerator" : "ConfigMapGenerator";
  r.needsHash = !options.disableNameSuffixHash.value_or(false);
  return r;
}

void mergeGenerated(Resource& base, const Resource& overlay, const std::string& behavior) {
  // replace: the new data; merge: old and new (new wins). Labels and annotations are
  // merged either way; the name and namespace stay the old object's.
  Json& obj = base.object;
  for (const char* field : {"data", "binaryData"}) {
    if (behavior == "replace") obj.erase(field);
    if (!overlay.object.contains(field)) continue;
    for (auto it = overlay.object[field].begin(); it != overlay.object[field].end(); ++it) obj[field][it.key()] = *it;
  }
  for (const char* field : {"labels", "annotations"}) {
    const Json& m = overlay.object["metadata"];
    if (!m.contains(field)) continue;
    for (auto it = m[field].begin(); it != m[field].end(); ++it) obj["metadata"][field][it.key()] = *it;
  }
  if (overlay.object.contains("immutable")) obj["immutable"] = overlay.object["immutable"];
  if (overlay.object.contains("type")) obj["type"] = overlay.object["type"];
  base.needsHash = base.needsHash && overlay.needsHash;
}

}  // namespace gs::render
