// Invariant 7, store sanity (safety, after every step): resourceVersions strictly
// increase across every stored change; a watch replayed from the start of the world and
// followed since ends at exactly the stored state (every object, at its resourceVersion);
// and no object outlives the owner its ownerReferences name, unless it is itself being
// deleted (garbage collection in progress) or was orphaned on purpose (then the reference
// is gone).
#include "sim/core/json_lookup.hpp"
#include "sim/fuzz/invariants/facts.hpp"
#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/kube/object_key.hpp"

#include <charconv>
#include <string_view>
#include <map>

namespace gs::fuzz {

namespace {

std::string keyText(const kube::ObjectKey& k) { return k.group + "/" + k.kind + " " + k.ns + "/" + k.name; }

class StoreSanity : public Invariant {
 public:
  StoreSanity() : Invariant("store") {}
  ~StoreSanity() override {
    if (store_ != nullptr) store_->unsubscribe(subscription_);
  }

  void started(scenario::RunContext& run) override {
    store_ = &run.world.cluster().store();
    try {
      for (const auto& e : store_->watch(0)) apply(e);
    } catch (const fake::ApiError&) {  // history compacted (a long world): start from the stored state
      store_->forEachObject([&](const kube::ObjectKey& key, const fake::ObjectPtr& object) {
        mirror_[key] = Seen{std::stoull((*object)["metadata"].value("resourceVersion", "0")), object};
      });
      lastVersion_ = store_->resourceVersion();
    }
    subscription_ = store_->subscribe([this](const fake::WatchEvent& e) { apply(e); });
  }

  void afterStep(scenario::RunContext&, const scenario::Step&) override {
    if (store_ == nullptr) return;
    if (!problem_.empty()) violated(problem_);
    // The store visits objects in key order, the order the mirror keeps too: one merge-like
    // walk compares them, without a lookup per object.
    std::size_t count = 0;
    auto mirrored = mirror_.begin();
    store_->forEachObject([&](const kube::ObjectKey& key, const fake::ObjectPtr& object) {
      ++count;
      const Json* metadata = findMember(*object, "metadata"_key);
      if (mirrored != mirror_.end() && mirrored->second.object == object) {
        ++mirrored;  // the very version the watch delivered last for this key (so its key and resourceVersion)
      } else {
        while (mirrored != mirror_.end() && mirrored->first < key) ++mirrored;  // not stored: the count below tells
        if (mirrored == mirror_.end() || mirrored->first != key) violated("the watch never delivered " + keyText(key) + ", which is stored");
        const std::uint64_t seen = (mirrored++)->second.version;
        const std::string_view rv = stringOf(metadata != nullptr ? findMember(*metadata, "resourceVersion"_key) : nullptr);
        std::uint64_t stored = 0;
        const auto parsed = std::from_chars(rv.data(), rv.data() + rv.size(), stored);
        if (parsed.ec != std::errc() || parsed.ptr != rv.data() + rv.size() || stored != seen) {
          violated("the watch left " + keyText(key) + " at resourceVersion " + std::to_string(seen) + ", the store has \"" + std::string(rv) + "\"");
        }
      }
      const Json* owners = metadata != nullptr ? findMember(*metadata, "ownerReferences"_key) : nullptr;
      if (owners == nullptr || findMember(*metadata, "deletionTimestamp"_key) != nullptr || !owners->is_array()) return;
      static const std::string kNoUid;
      for (const auto& ref : *owners) {
        const Json* uid = findMember(ref, "uid"_key);
        if (!store_->findByUid(uid != nullptr && uid->is_string() ? uid->get_ref<const std::string&>() : kNoUid)) {
          violated(keyText(key) + " outlives its owner " + ref.value("kind", "") + "/" + ref.value("name", "") + " (uid " + ref.value("uid", "") + ")");
        }
      }
    });
    if (count != mirror_.size()) violated("the watch shows " + std::to_string(mirror_.size()) + " objects, the store holds " + std::to_string(count));
  }

 private:
  void apply(const fake::WatchEvent& e) {
    if (e.type == fake::WatchEvent::Type::Bookmark) return;
    if (e.resourceVersion <= lastVersion_ && problem_.empty()) {
      problem_ = "resourceVersion " + std::to_string(e.resourceVersion) + " came after " + std::to_string(lastVersion_);
    }
    lastVersion_ = e.resourceVersion;
    const kube::ObjectKey key = kube::objectKeyOf(*e.object);
    if (e.type == fake::WatchEvent::Type::Deleted) {
      mirror_.erase(key);
    } else {
      mirror_[key] = Seen{e.resourceVersion, e.object};
    }
  }

  fake::ObjectStore* store_ = nullptr;
  fake::ObjectStore::ObserverId subscription_ = 0;
  std::uint64_t lastVersion_ = 0;
  std::string problem_;
  // What the watch delivered last for each key: its resourceVersion, and the version
  // itself (a stored object still at that version is the same shared object).
  struct Seen {
    std::uint64_t version = 0;
    fake::ObjectPtr object;
  };
  std::map<kube::ObjectKey, Seen> mirror_;  // in the store's order (ObjectKey's)
};

}  // namespace

std::unique_ptr<Invariant> makeStoreSanity() { return std::make_unique<StoreSanity>(); }

}  // namespace gs::fuzz
