#include "sim/core/yaml.hpp"

#include <charconv>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "sim/core/yaml_scalar.hpp"

namespace gs {

SourceLocation PositionIndex::locate(const std::string& file, std::string_view pointer) const {
  std::string key(pointer);
  while (true) {
    auto it = marks_.find(key);
    if (it != marks_.end()) return SourceLocation{file, it->second.line, it->second.column};
    if (key.empty()) return SourceLocation{file, 0, 0};
    key.erase(key.rfind('/'));
  }
}

SourceLocation PositionIndex::locateKey(const std::string& file, std::string_view pointer) const {
  auto it = keyMarks_.find(std::string(pointer));
  if (it != keyMarks_.end()) return SourceLocation{file, it->second.line, it->second.column};
  return locate(file, pointer);
}

namespace {

std::string hexByte(unsigned char c) {
  static const char* kDigits = "0123456789abcdef";
  return {kDigits[c >> 4], kDigits[c & 0xf]};
}

constexpr std::string_view kTagStr = "tag:yaml.org,2002:str";
constexpr std::string_view kTagInt = "tag:yaml.org,2002:int";
constexpr std::string_view kTagFloat = "tag:yaml.org,2002:float";
constexpr std::string_view kTagBool = "tag:yaml.org,2002:bool";
constexpr std::string_view kTagNull = "tag:yaml.org,2002:null";
constexpr std::string_view kTagMerge = "tag:yaml.org,2002:merge";

class Converter {
 public:
  Converter(const std::string& file, std::string_view source, const YamlLoadOptions& options, PositionIndex* positions)
      : file_(file), source_(source), options_(options), positions_(positions) {}

  Json convert(const YAML::Node& node, std::string& pointer, int depth) {
    if (depth > options_.maxDepth) fail(node, pointer, "nesting deeper than " + std::to_string(options_.maxDepth) + " levels");
    if (++nodes_ > options_.maxNodes) fail(node, pointer, "document too large (more than " + std::to_string(options_.maxNodes) + " values; alias expansion?)");
    if (positions_ != nullptr) {
      auto mark = node.Mark();
      positions_->add(pointer, mark.line + 1, mark.column + 1);
    }
    if (options_.kustomizeAnnotations && depth == 3 && pointer.starts_with("/metadata/annotations/")) return annotationText(node);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return nullptr;
      case YAML::NodeType::Scalar:
        return scalar(node, pointer);
      case YAML::NodeType::Sequence: {
        Json out = Json::array();
        std::size_t index = 0;
        for (const auto& item : node) {
          auto saved = pointer.size();
          pointer += '/';
          pointer += std::to_string(index++);
          out.push_back(convert(item, pointer, depth + 1));
          pointer.resize(saved);
        }
        return out;
      }
      case YAML::NodeType::Map:
        return map(node, pointer, depth);
    }
    return nullptr;
  }

 private:
  [[noreturn]] void fail(const YAML::Node& node, const std::string& pointer, const std::string& message) const {
    auto mark = node.Mark();
    SourceLocation where{file_, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1};
    throw Error::invalid(message, where, dottedPath(pointer));
  }

  // "/world/applications/web" -> "world.applications.web", "/steps/1/id" -> "steps[1].id":
  // how the rest of gitops-sim's messages name a field.
  static std::string dottedPath(const std::string& pointer) {
    std::string out;
    std::size_t start = pointer.empty() || pointer.front() != '/' ? 0 : 1;
    while (start <= pointer.size() && !pointer.empty()) {
      const std::size_t slash = pointer.find('/', start);
      std::string part = pointer.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      for (std::size_t at; (at = part.find("~1")) != std::string::npos;) part.replace(at, 2, "/");
      for (std::size_t at; (at = part.find("~0")) != std::string::npos;) part.replace(at, 2, "~");
      const bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
      if (index && !out.empty()) {
        out += "[" + part + "]";
      } else {
        out += (out.empty() ? "" : ".") + part;
      }
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    return out;
  }

  // yaml-cpp decodes the escapes \N and \_ of a double-quoted scalar to the bare bytes
  // 0x85 and 0xA0 instead of their UTF-8 forms: put those right (NEL, NO-BREAK SPACE).
  static const std::string& repairedEscapes(const std::string& text, std::string& storage) {
    auto lengthOf = [](unsigned char c) -> std::size_t {
      return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    };
    bool lone = false;
    for (std::size_t i = 0; i < text.size() && !lone; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      const std::size_t len = lengthOf(c);
      if (len == 0) lone = c == 0x85 || c == 0xA0;
      else i += len - 1;
    }
    if (!lone) return text;
    storage.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      const std::size_t len = lengthOf(c);
      if (len == 0 && (c == 0x85 || c == 0xA0)) {
        storage += '\xC2';
        storage += static_cast<char>(c);
        continue;
      }
      const std::size_t n = len == 0 ? 1 : std::min(len, text.size() - i);
      storage.append(text, i, n);
      i += n - 1;
    }
    return storage;
  }

  Json scalar(const YAML::Node& node, const std::string& pointer, bool isKey = false) const {
    const std::string& tag = node.Tag();
    std::string repaired;
    const std::string& text = repairedEscapes(node.Scalar(), repaired);
    if (tag == "!" || tag == kTagStr || tag == "!!str") return text;
    Json value;
    if (tag == "?" || tag.empty()) {
      if (options_.kustomizeTimestamps && !isKey && !pointer.starts_with("/metadata/annotations/")) {
        if (auto timestamp = timestampAsRfc3339(text)) return *timestamp;
      }
      value = resolvePlainScalar(text, options_.booleans);
    } else if (tag == kTagInt || tag == kTagFloat || tag == kTagBool || tag == kTagNull) {
      value = resolvePlainScalar(text, options_.booleans);
      bool ok = (tag == kTagInt && value.is_number_integer()) || (tag == kTagFloat && value.is_number()) ||
                (tag == kTagBool && value.is_boolean()) || (tag == kTagNull && value.is_null());
      if (!ok) fail(node, pointer, "value '" + text + "' does not match its tag " + tag);
      if (tag == kTagFloat) value = value.get<double>();
    } else {
      // Unknown local tags (e.g. "!Ref") carry no meaning for Kubernetes: keep the text.
      value = resolvePlainScalar(text, options_.booleans);
    }
    if (value.is_number_float() && !std::isfinite(value.get<double>())) {
      fail(node, pointer, "'" + text + "' is not a finite number; JSON cannot hold it (quote it to keep a string)");
    }
    return value;
  }

  // An annotation value as kustomize rewrites it: the text it was written with.
  Json annotationText(const YAML::Node& node) const {
    switch (node.Type()) {
      case YAML::NodeType::Scalar: {
        std::string repaired;
        return repairedEscapes(node.Scalar(), repaired);
      }
      case YAML::NodeType::Null: {
        if (options_.kustomizeAnnotationNullsStay) return nullptr;
        // yaml-cpp keeps no text for null, ~ and an empty value: read it where it stands.
        const auto mark = node.Mark();
        if (mark.is_null() || mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= source_.size()) return std::string();
        const std::string_view at = source_.substr(static_cast<std::size_t>(mark.pos));
        for (std::string_view word : {"null", "Null", "NULL", "~"}) {
          if (at.starts_with(word) && (at.size() == word.size() || std::string_view(" \t\r\n,}#").find(at[word.size()]) != std::string_view::npos)) {
            return std::string(word);
          }
        }
        return std::string();
      }
      default:
        return std::string();
    }
  }

  static std::string keyText(const Json& key) {
    if (key.is_string()) return key.get<std::string>();
    if (key.is_null()) return "null";
    return key.dump();
  }

  void mergeInto(Json& out, const Json& source, const YAML::Node& node, const std::string& pointer) const {
    if (source.is_object()) {
      for (auto it = source.begin(); it != source.end(); ++it) {
        if (!out.contains(it.key())) out[it.key()] = it.value();
      }
      return;
    }
    fail(node, pointer, "a '<<' merge key needs a map or a list of maps");
  }

  Json map(const YAML::Node& node, std::string& pointer, int depth) {
    Json out = Json::object();
    std::vector<std::pair<Json, YAML::Node>> merges;
    for (const auto& entry : node) {
      const YAML::Node& keyNode = entry.first;
      bool isMerge = keyNode.IsScalar() && keyNode.Scalar() == "<<" && (keyNode.Tag() == "?" || keyNode.Tag() == kTagMerge);
      std::string dummy = pointer;
      if (isMerge) {
        merges.emplace_back(convert(entry.second, dummy, depth + 1), entry.second);
        continue;
      }
      if (!keyNode.IsScalar() && !keyNode.IsNull()) fail(keyNode, pointer, "map keys must be scalars");
      std::string key = keyNode.IsNull() ? "null" : keyText(scalar(keyNode, pointer, true));
      if (out.contains(key)) {
        if (!options_.lastKeyWins) fail(keyNode, pointer, "duplicate key '" + key + "' (the same key is already set in this map)");
        out.erase(key);
      }
      auto saved = pointer.size();
      pointer += '/';
      pointer += escapePointerToken(key);
      if (positions_ != nullptr && options_.recordKeyPositions) {
        auto mark = keyNode.Mark();
        positions_->addKey(pointer, mark.line + 1, mark.column + 1);
      }
      out[key] = convert(entry.second, pointer, depth + 1);
      pointer.resize(saved);
    }
    // Explicit keys win over merged ones; earlier merge sources win over later ones.
    for (const auto& [value, mergeNode] : merges) {
      if (value.is_array()) {
        for (const auto& item : value) mergeInto(out, item, mergeNode, pointer);
      } else {
        mergeInto(out, value, mergeNode, pointer);
      }
    }
    return out;
  }

  const std::string& file_;
  std::string_view source_;
  const YamlLoadOptions& options_;
  PositionIndex* positions_;
  std::size_t nodes_ = 0;
};

}  // namespace

SourceLocation locationOf(std::string_view text, std::size_t offset, const std::string& file) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return SourceLocation{file, line, column};
}

void requireUtf8(std::string_view text, const std::string& file) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (ok && len == 2) ok = c >= 0xC2;  // no overlong forms
    if (!ok) throw Error::invalid("invalid UTF-8 byte 0x" + hexByte(c) + " (YAML and JSON must be UTF-8)", locationOf(text, i, file));
    i += len;
  }
}

namespace {

// Counts documents as yaml-cpp's parser announces them, and nothing else.
class DocumentCounter final : public YAML::EventHandler {
 public:
  std::size_t documents = 0;
  YAML::Mark last;
  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents;
    last = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp 0.7 never returns from LoadAll when a ',' stands at the top level of a
// document ("," or "[a]," or "\"x\","): its parser announces empty documents forever
// without consuming the comma (found by fuzz/parsers). A first pass that only counts
// documents stops there: a text cannot hold more documents than it has separators.
void rejectRunawayDocuments(std::string_view text, const std::string& file) {
  std::size_t separators = 0;
  for (std::size_t at = 0; at < text.size(); at = text.find('\n', at) + 1) {
    if (text.compare(at, 3, "---") == 0 || text.compare(at, 3, "...") == 0) ++separators;
    if (text.find('\n', at) == std::string_view::npos) break;
  }
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentCounter counter;
  while (parser.HandleNextDocument(counter)) {
    if (counter.documents > separators + 1) {
      throw Error::invalid("invalid YAML: a ',' (or another flow indicator) stands outside any [ ] or { }",
                           SourceLocation{file, counter.last.line + 1, counter.last.column + 1});
    }
  }
}

}  // namespace

std::vector<YamlDocument> loadYamlDocuments(std::string_view text, const std::string& file, YamlLoadOptions options) {
  requireUtf8(text, file);
  if (options.maxNodes == 0) options.maxNodes = 4 * text.size() + 100000;
  std::vector<YAML::Node> nodes;
  try {
    if (text.find(',') != std::string_view::npos) rejectRunawayDocuments(text, file);
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    SourceLocation where{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
    throw Error::invalid("invalid YAML: " + e.msg, where);
  }
  std::vector<YamlDocument> docs;
  docs.reserve(nodes.size());
  for (const auto& node : nodes) {
    if (node.IsNull()) continue;  // empty, comment-only, or a trailing "---"
    YamlDocument doc;
    auto mark = node.Mark();
    doc.where = SourceLocation{file, mark.line + 1, mark.column + 1};
    Converter converter(file, text, options, options.recordPositions ? &doc.positions : nullptr);
    std::string pointer;
    try {
      doc.value = converter.convert(node, pointer, 0);
    } catch (const YAML::Exception& e) {
      SourceLocation where{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
      throw Error::invalid("invalid YAML: " + e.msg, where);
    }
    docs.push_back(std::move(doc));
  }
  return docs;
}

YamlDocument loadYamlDocument(std::string_view text, const std::string& file, YamlLoadOptions options) {
  auto docs = loadYamlDocuments(text, file, options);
  if (docs.empty()) return YamlDocument{nullptr, SourceLocation{file, 0, 0}, {}};
  if (docs.size() > 1) throw Error::invalid("expected one YAML document, found " + std::to_string(docs.size()), docs[1].where);
  return std::move(docs.front());
}

// ---------------------------------------------------------------------------------------
// Emitter

namespace {

void appendQuoted(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    // The Unicode line breaks as escapes: LINE SEPARATOR \L, PARAGRAPH SEPARATOR \P, and NEL
    // as \u0085 (yaml-cpp misreads \N).
    if (const char escape = unicodeBreakAt(s, i)) {
      out += escape == 'N' ? "\\u0085" : escape == 'L' ? "\\L" : "\\P";
      i += escape == 'N' ? 1 : 2;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// go-yaml v2's choice (kubectl, kustomize): a string that would read back as another
// type (a number, a boolean, null, a timestamp) or that needs escapes is double-quoted;
// one that is only unsafe because of YAML indicators (`*`, `- x`, `a #b`, `key: v`) is
// single-quoted, with ' doubled.
bool needsDoubleQuotes(std::string_view s) {
  if (s.empty() || hasUnicodeBreak(s)) return true;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  if (timestampAsRfc3339(s)) return true;  // a timestamp to go-yaml
  return !resolvePlainScalar(s).is_string() || isBase60Float(s);
}

void appendSingleQuoted(std::string& out, std::string_view s) {
  out += '\'';
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
}

void appendQuotedString(std::string& out, std::string_view s) {
  if (needsDoubleQuotes(s)) {
    appendQuoted(out, s);
  } else {
    appendSingleQuoted(out, s);
  }
}

// The column the next character lands in: characters (not bytes) since the line began.
int currentColumn(const std::string& out) {
  const std::size_t lineStart = out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1;
  int column = 0;
  for (std::size_t i = lineStart; i < out.size(); ++i) column += (static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 ? 1 : 0;
  return column;
}

enum class ScalarStyle { Plain, SingleQuoted, DoubleQuoted };

// Appends `text` (a one-line scalar as written, quotes included) folded as go-yaml's
// emitter folds a mapping or sequence value: at a space past column 80 that follows no
// other space, the line breaks and goes on at `indent` (yaml_emitter_write_plain_scalar,
// _single_quoted_ and _double_quoted_). A quoted scalar never breaks at its first or last
// character; a double-quoted one escapes a space that would start the new line.
void appendFolded(std::string& out, std::string_view text, int indent, ScalarStyle style) {
  constexpr int kBestWidth = 80;
  int column = currentColumn(out);
  const std::size_t first = style == ScalarStyle::Plain ? 0 : 1;
  const std::size_t last = style == ScalarStyle::Plain ? text.size() : text.size() - 1;  // one past the content
  bool spaces = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' && i >= first && i < last) {
      const bool nextIsSpace = i + 1 < last && text[i + 1] == ' ';
      bool fold = !spaces && column > kBestWidth;
      if (style == ScalarStyle::Plain) fold = fold && !nextIsSpace;
      if (style == ScalarStyle::SingleQuoted) fold = fold && i > first && i + 1 < last && !nextIsSpace;
      if (style == ScalarStyle::DoubleQuoted) fold = fold && i > first && i + 1 < last;
      spaces = true;
      if (fold) {
        out += '\n';
        out.append(static_cast<std::size_t>(indent), ' ');
        column = indent;
        if (style == ScalarStyle::DoubleQuoted && nextIsSpace) {
          out += '\\';
          ++column;
        }
        continue;
      }
    } else if (i >= first && i < last) {
      spaces = false;
    }
    out += c;
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++column;
  }
}

// A multi-line string reads best as a literal block, when it can round-trip as one. A
// first line starting with a space or an empty first line needs an explicit indentation
// indicator (`|2-`), as go-yaml writes it.
// go-yaml's emitter allows no block for a string with a character it does not count as
// printable (a TAB among them) or one that ends in a space: those are double-quoted.
bool fitsLiteralBlock(std::string_view s) {
  if (s.find('\n') == std::string_view::npos || s.find_first_not_of('\n') == std::string_view::npos) return false;
  if (hasUnicodeBreak(s) || s.back() == ' ') return false;
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  }
  // Trailing spaces on a line survive, but a line of only spaces before the end confuses chomping.
  return s.find(" \n") == std::string_view::npos;
}

void appendScalarString(std::string& out, std::string_view s, int indent) {
  if (!s.empty() && s.find_first_not_of('\n') == std::string_view::npos) {
    // Only line breaks: go-yaml writes a kept literal block of empty lines.
    out += "|2+";
    out.append(s.size(), '\n');
    return;
  }
  if (isPlainSafeString(s)) {
    appendFolded(out, s, indent, ScalarStyle::Plain);
  } else if (fitsLiteralBlock(s)) {
    std::size_t trailing = 0;
    while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
    out += '|';
    if (s.front() == ' ' || s.front() == '\n') out += '2';
    out += trailing == 0 ? "-" : (trailing == 1 ? "" : "+");
    std::string_view body = s.substr(0, s.size() - trailing);
    std::size_t start = 0;
    std::string pad(static_cast<std::size_t>(indent), ' ');
    while (start <= body.size()) {
      auto end = body.find('\n', start);
      if (end == std::string_view::npos) end = body.size();
      out += '\n';
      if (end > start) {
        out += pad;
        out += body.substr(start, end - start);
      }
      start = end + 1;
    }
    for (std::size_t i = 1; i < trailing; ++i) out += '\n';
  } else {
    std::string quoted;
    appendQuotedString(quoted, s);
    appendFolded(out, quoted, indent, quoted.front() == '"' ? ScalarStyle::DoubleQuoted : ScalarStyle::SingleQuoted);
  }
}

void appendKey(std::string& out, const std::string& key) {
  // A plain << key would read back as a merge key (as a value go-yaml writes it plain).
  if (isPlainSafeString(key) && key != "<<") {
    out += key;
  } else {
    appendQuotedString(out, key);
  }
}

bool isEmptyContainer(const Json& v) { return (v.is_object() || v.is_array()) && v.empty(); }

void emitValue(std::string& out, const Json& v, int indent, bool topLevel, const YamlEmitOptions& options);
void emitMapBody(std::string& out, const Json& obj, int indent, bool topLevel, const YamlEmitOptions& options, bool firstInline);

// A float as the Go tools print one. They carry numbers through JSON text and read it
// back as YAML (sigs.k8s.io/yaml): encoding/json writes a float in plain notation below
// 1e21, so an integral value that fits 64 bits comes back as an integer (5e6 prints
// 5000000, -0.0 prints 0); anything else is a float, printed by go-yaml with Go's
// shortest 'g' format: plain for exponents -4 to 5, else 1.2345675e+06 (1e20 prints 1e+20).
void appendFloat(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += std::isnan(d) ? ".nan" : d > 0 ? ".inf" : "-.inf";
    return;
  }
  if (d == 0) {
    out += '0';
    return;
  }
  // The shortest digits that read back as `d`, and the power of ten of the first one.
  char buffer[64];
  const char* end = std::to_chars(buffer, buffer + sizeof buffer - 1, d, std::chars_format::scientific).ptr;
  const std::string_view scientific(buffer, static_cast<std::size_t>(end - buffer));
  const std::size_t e = scientific.find('e');
  int exponent = 0;
  std::from_chars(scientific.data() + e + (scientific[e + 1] == '+' ? 2 : 1), end, exponent);
  std::string digits;
  for (char c : scientific.substr(0, e)) {
    if (c >= '0' && c <= '9') digits += c;
  }
  const bool negative = d < 0;
  // Plain notation (as encoding/json writes below 1e21), read back as an integer when
  // it is one that fits 64 bits.
  if (d == std::floor(d) && d > -9.3e18 && d < 1.8e19 && exponent + 1 >= static_cast<int>(digits.size())) {
    if (negative) out += '-';
    out += digits;
    out.append(static_cast<std::size_t>(exponent + 1) - digits.size(), '0');
    return;
  }
  if (exponent < -4 || exponent >= 6) {
    out += scientific;
    return;
  }
  if (negative) out += '-';
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent - 1), '0');
    out += digits;
  } else {  // a fraction remains: more digits than the integer part has
    out.append(digits, 0, static_cast<std::size_t>(exponent + 1));
    out += '.';
    out.append(digits, static_cast<std::size_t>(exponent + 1));
  }
}

void emitScalar(std::string& out, const Json& v, int indent) {
  switch (v.type()) {
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case Json::value_t::string: appendScalarString(out, v.get_ref<const std::string&>(), indent); break;
    case Json::value_t::object: out += "{}"; break;
    case Json::value_t::array: out += "[]"; break;
    case Json::value_t::number_float: appendFloat(out, v.get<double>()); break;
    default: out += v.dump(); break;
  }
}

bool isLeadingKubernetesKey(std::string_view k) { return k == "apiVersion" || k == "kind" || k == "metadata" || k == "spec"; }

void emitSequence(std::string& out, const Json& arr, int indent, const YamlEmitOptions& options);

// go-yaml's complex key ("? key" then ": value" on the next line), for a key longer than
// 128 bytes or of more than one line, which it will not write as a simple key.
void emitComplexMember(std::string& out, const std::string& key, const Json& v, int indent, const YamlEmitOptions& options) {
  out += "? ";
  emitScalar(out, Json(key), indent + 2);
  out += '\n';
  out.append(static_cast<std::size_t>(indent), ' ');
  out += ": ";
  if (v.is_object() && !v.empty()) {
    emitMapBody(out, v, indent + 2, false, options, true);
  } else if (v.is_array() && !v.empty()) {
    std::string items;
    emitSequence(items, v, indent + 2, options);
    out.append(items, static_cast<std::size_t>(indent) + 2);  // the first "- " follows ": "
  } else {
    emitScalar(out, v, indent + 2);
    out += '\n';
  }
}

// Emits one member of a map at `indent` (the padding written unless `inlineFirst`).
void emitMember(std::string& out, const std::string& key, const Json& v, int indent, const YamlEmitOptions& options, bool inlineFirst) {
  if (!inlineFirst) out.append(static_cast<std::size_t>(indent), ' ');
  if (key.size() > 128 || key.find('\n') != std::string::npos) {
    emitComplexMember(out, key, v, indent, options);
    return;
  }
  appendKey(out, key);
  out += ':';
  if (v.is_object() && !v.empty()) {
    out += '\n';
    emitMapBody(out, v, indent + 2, false, options, false);
  } else if (v.is_array() && !v.empty()) {
    out += '\n';
    emitValue(out, v, indent, false, options);  // sequences sit at the key's indent, as kubectl prints
  } else {
    out += ' ';
    emitScalar(out, v, indent + 2);
    out += '\n';
  }
}

// Emits the members of a map; the first line continues the current line (after "- "). At
// the top of a manifest, with kubernetesKeyOrder, apiVersion, kind, metadata and spec come
// first, as kubectl prints them; otherwise keys keep their sorted order.
// One code point of UTF-8 text at `i` (advancing it); a stray byte reads as itself.
char32_t nextRune(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (len == 1 || i + len > s.size()) {
    ++i;
    return c;
  }
  char32_t r = c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) r = (r << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return r;
}

bool runeIsDigit(char32_t r) { return r >= '0' && r <= '9'; }
// unicode.IsLetter, for ASCII exactly; other letters are taken to be the non-ASCII runes.
bool runeIsLetter(char32_t r) { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r >= 0xAA; }

// go-yaml v2's map key order (sorter.go's keyList.Less, which kubectl's and kustomize's
// output follows): runs of digits compare by value, a letter sorts after any non-letter,
// digits included (db10 before db1primary, a1- before a1b), otherwise by code point. `Runes` is the keys' text as
// code points (bytes for ASCII keys, decoded UTF-8 otherwise).
template <class Runes>
bool goYamlRunesLess(const Runes& ar, const Runes& br) {
  for (std::size_t i = 0; i < ar.size() && i < br.size(); ++i) {
    if (ar[i] == br[i]) continue;
    const bool al = runeIsLetter(ar[i]), bl = runeIsLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;  // a letter sorts after any non-letter, digits included
    std::int64_t an = 0, bn = 0;
    if (ar[i] == '0' || br[i] == '0') {
      for (std::size_t j = i; j-- > 0 && runeIsDigit(ar[j]);) {
        if (ar[j] != '0') {
          an = bn = 1;
          break;
        }
      }
    }
    std::size_t ai = i, bi = i;
    for (; ai < ar.size() && runeIsDigit(ar[ai]); ++ai) an = an * 10 + (ar[ai] - '0');
    for (; bi < br.size() && runeIsDigit(br[bi]); ++bi) bn = bn * 10 + (br[bi] - '0');
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.size() < br.size();
}

bool isAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool goYamlKeyLess(std::string_view a, std::string_view b) {
  if (isAscii(a) && isAscii(b)) return goYamlRunesLess(a, b);
  std::u32string ar, br;
  for (std::size_t i = 0; i < a.size();) ar.push_back(nextRune(a, i));
  for (std::size_t i = 0; i < b.size();) br.push_back(nextRune(b, i));
  return goYamlRunesLess(ar, br);
}

// Whether byte order is go-yaml's order for a key: it holds only letters and ASCII
// characters below 'A' other than digits (go-yaml puts every non-letter before the
// letters, and compares digit runs by value; bytes put '_', '~'... after some letters).
bool plainKey(std::string_view k) {
  for (char c : k) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter && !(c >= 0 && c < 'A' && !(c >= '0' && c <= '9'))) return false;
  }
  return true;
}

void emitMapBody(std::string& out, const Json& obj, int indent, bool topLevel, const YamlEmitOptions& options,
                 bool firstInline) {
  const auto& members = *obj.get_ptr<const Json::object_t*>();
  bool first = true;
  const bool kubernetesOrder = topLevel && options.kubernetesKeyOrder;
  if (kubernetesOrder) {
    for (const char* leading : {"apiVersion", "kind", "metadata", "spec"}) {
      auto it = members.find(std::string_view(leading));
      if (it == members.end()) continue;
      emitMember(out, it->first, it->second, indent, options, first && firstInline);
      first = false;
    }
  }
  // The members are stored in byte order, which is go-yaml's for keys of lower-case
  // letters, '-', '.' and '/'; other maps are put in go-yaml's order (an insertion sort:
  // the order is not a strict weak one for every set of keys, as go-yaml's sort is not).
  bool reorder = false;
  for (const auto& [key, value] : members) {
    if (!plainKey(key.view())) {
      reorder = true;
      break;
    }
  }
  std::vector<const Json::object_t::value_type*> order;
  order.reserve(members.size());
  for (const auto& member : members) {
    if (kubernetesOrder && isLeadingKubernetesKey(member.first.view())) continue;
    order.push_back(&member);
  }
  if (reorder) {
    for (std::size_t i = 1; i < order.size(); ++i) {
      for (std::size_t j = i; j > 0 && goYamlKeyLess(order[j]->first.view(), order[j - 1]->first.view()); --j) std::swap(order[j], order[j - 1]);
    }
  }
  for (const auto* member : order) {
    emitMember(out, member->first, member->second, indent, options, first && firstInline);
    first = false;
  }
}

void emitSequence(std::string& out, const Json& arr, int indent, const YamlEmitOptions& options) {
  for (const auto& item : arr) {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += "- ";
    if (item.is_object() && !item.empty()) {
      emitMapBody(out, item, indent + 2, false, options, true);
    } else if (item.is_array() && !item.empty()) {
      out += '\n';
      emitSequence(out, item, indent + 2, options);
    } else {
      emitScalar(out, item, indent + 2);
      out += '\n';
    }
  }
}

void emitValue(std::string& out, const Json& v, int indent, bool topLevel, const YamlEmitOptions& options) {
  if (v.is_object() && !isEmptyContainer(v)) {
    emitMapBody(out, v, indent, topLevel, options, false);
  } else if (v.is_array() && !isEmptyContainer(v)) {
    emitSequence(out, v, indent, options);
  } else {
    emitScalar(out, v, indent + 2);
    out += '\n';
  }
}

}  // namespace

std::string toYaml(const Json& value, const YamlEmitOptions& options) {
  std::string out;
  emitValue(out, value, 0, true, options);
  return out;
}

std::string toYamlStream(const std::vector<Json>& values, const YamlEmitOptions& options) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += "---\n";
    out += toYaml(values[i], options);
  }
  return out;
}

namespace {

// Text that starts with a UTF-16 byte order mark (Windows PowerShell 5 writes files so),
// re-encoded as UTF-8, as kubectl accepts it. Other text is returned unchanged.
std::string fromUtf16IfMarked(std::string text, const std::string& file) {
  if (text.size() < 2) return text;
  auto b0 = static_cast<unsigned char>(text[0]), b1 = static_cast<unsigned char>(text[1]);
  bool little = b0 == 0xFF && b1 == 0xFE, big = b0 == 0xFE && b1 == 0xFF;
  if (!little && !big) return text;
  if (text.size() % 2 != 0) throw Error::invalid("UTF-16 text with an odd number of bytes", SourceLocation{file, 0, 0});
  std::string out;
  out.reserve(text.size() / 2);
  auto unit = [&](std::size_t i) -> std::uint32_t {
    auto a = static_cast<unsigned char>(text[i]), b = static_cast<unsigned char>(text[i + 1]);
    return little ? (a | (b << 8)) : ((a << 8) | b);
  };
  for (std::size_t i = 2; i < text.size(); i += 2) {
    std::uint32_t cp = unit(i);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < text.size()) {
      std::uint32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      }
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

}  // namespace

std::string readFile(const std::string& path) {
  std::ostringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
    return fromUtf16IfMarked(std::move(buffer).str(), "<stdin>");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error::invalid("cannot read file", SourceLocation{path, 0, 0});
  buffer << in.rdbuf();
  if (in.bad()) throw Error::invalid("error while reading file", SourceLocation{path, 0, 0});
  return fromUtf16IfMarked(std::move(buffer).str(), path);
}

}  // namespace gs
