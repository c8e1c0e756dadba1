// The store's schema (docs/ARCHITECTURE.md §4) as an ordered list of migrations keyed by PRAGMA
// user_version. Migration i takes a store from version i to i+1; a released migration is never
// edited, only appended.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mixrun {

// PRAGMA application_id of every mixrun store: "MIXR".
constexpr int32_t kStoreApplicationId = 0x4D495852;

const std::vector<std::string_view>& StoreMigrations();
inline int StoreSchemaVersion() { return static_cast<int>(StoreMigrations().size()); }

}  // namespace mixrun
