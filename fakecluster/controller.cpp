#include "fakecluster/controller.hpp"

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

Controller::Controller(ControllerContext& ctx, std::string name, int priority)
    : ctx_(ctx), name_(name), queue_(ctx.loop, std::move(name), priority, [this](const kube::ObjectKey& key) { reconcile(key); }) {}

bool Controller::enqueueIfKind(const WatchEvent& event, std::string_view apiVersion, std::string_view kind) {
  if (!is(*event.object, apiVersion, kind)) return false;
  if (event.type != WatchEvent::Type::Deleted) queue_.add(kube::objectKeyOf(*event.object));
  return true;
}

void Controller::updateOrRetry(const kube::ObjectKey& key, Json next) {
  next["metadata"].erase("resourceVersion");
  try {
    ctx_.store.updateShared(std::move(next));
  } catch (const ApiError&) {
    queue().addAfter(key, std::chrono::seconds(1));
  }
}

void Controller::enqueueOwner(const Json& object, std::string_view group, std::string_view kind) {
  // As client-go's resolveControllerRef: the reference's kind and group first, then
  // the owner by name in the object's namespace, which must still have that uid.
  const Json* ref = controllerRef(object);
  if (ref == nullptr || !isString(at(*ref, {"kind"_key}), kind)) return;
  const std::string& apiVersion = stringAt(*ref, {"apiVersion"_key});
  const auto slash = apiVersion.find('/');
  if (std::string_view(apiVersion).substr(0, slash == std::string::npos ? 0 : slash) != group) return;
  const std::string& uid = stringAt(*ref, {"uid"_key});
  if (uid.empty()) return;
  kube::ObjectKey key{std::string(group), std::string(kind), stringAt(object, {"metadata"_key, "namespace"_key}), stringAt(*ref, {"name"_key})};
  auto owner = ctx_.store.find(key);
  if (owner && stringAt(*owner, {"metadata"_key, "uid"_key}) == uid) queue_.add(key);
}

bool Controller::is(const Json& object, std::string_view apiVersion, std::string_view kind) {
  const Json* k = findMember(object, "kind"_key);
  const Json* v = findMember(object, "apiVersion"_key);
  return k != nullptr && v != nullptr && k->is_string() && v->is_string() && k->get_ref<const std::string&>() == kind &&
         v->get_ref<const std::string&>() == apiVersion;
}

}  // namespace gs::fake
