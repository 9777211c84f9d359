// Server-side printing: the meta.k8s.io/v1 Table a real API server returns when a client
// asks for `as=Table` (what `kubectl get` prints), with the columns kubectl users know
// for the built-in kinds (Pods' READY/STATUS/RESTARTS, Deployments' UP-TO-DATE, ...),
// a CRD's additionalPrinterColumns, and NAME/AGE for the rest. Ages are virtual time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fakecluster/object_store.hpp"
#include "sim/core/json.hpp"

namespace gs::fake::http {

enum class TableObjects { None, Metadata, Object };  // ?includeObject=

// kubectl's duration.HumanDuration: "45s", "3m20s", "5h", "12d".
std::string humanDuration(std::int64_t seconds);

// A Table of `objects` of one type; `nowUnix` is the virtual clock's time; `crd` the
// type's definition for custom resources (null for built-in kinds).
Json toTable(const ResourceType& type, const std::vector<Json>& objects, std::int64_t nowUnix, const Json& crd, TableObjects include,
             const std::string& resourceVersion, const std::string& continueToken = {});

// Does an Accept header ask for a Table?
bool wantsTable(const std::string& accept);

}  // namespace gs::fake::http
