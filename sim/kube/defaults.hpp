// The API server's defaulting for built-in kinds (pkg/apis/*/v1/defaults.go and the
// registry strategies): what a field holds when a manifest leaves it out. Used by the
// diff core (a field removed from Git is expected to go back to its default) and by the
// fake cluster's admission.
#pragma once

#include <unordered_set>

#include "sim/core/json.hpp"

namespace gs::kube {

// Receives every value that defaulting inserted (not the ones that were already set).
using DefaultedValues = std::unordered_set<const Json*>;

// Fills the defaults of a built-in kind into `object` in place. Custom resources and
// unknown kinds are left untouched. When `inserted` is given, each inserted value's
// address is added to it when defaulting is done (addresses stay valid while no key is
// inserted into or erased from the tree).
void applyDefaults(Json& object, DefaultedValues* inserted = nullptr);

// The API server's decoding of a Secret: `stringData` is folded into base64 `data`
// (stringData wins on a clash) and is never stored.
void foldSecretStringData(Json& object);

// Base64 text as a []byte field reads back: Go's decoder skips line breaks ("\r", "\n"),
// so a value wrapped at 76 columns is stored, and compared, unwrapped.
void unwrapBase64(std::string& text);
// The same for every value of a Secret's `data` and a ConfigMap's `binaryData`.
void unwrapBase64Data(Json& object);

// "Always" for ":latest" or untagged images (and not pinned by digest), else "IfNotPresent".
const char* defaultImagePullPolicy(std::string_view image);

}  // namespace gs::kube
