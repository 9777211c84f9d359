// metadata.managedFields for writes the in-process clients make (the HPA controller's
// scale, a drift step's kubectl edit, the sync engine's apply), so Argo CD's
// ignoreDifferences.managedFieldsManagers can tell who set a field. An Update by a
// manager takes the fields it changed, from whoever owned them (structured-merge-diff's
// update rule). The store records it for writes that ask (WriteOptions::ownership).
#pragma once

#include <string>

#include "sim/core/json.hpp"

namespace gs::fake {

// Records in `after`'s metadata.managedFields (starting from `before`'s) that `manager`
// changed what differs between the two. `before` is null for a create.
void recordManagedUpdate(const Json& before, Json& after, const std::string& manager, const std::string& time);

}  // namespace gs::fake
