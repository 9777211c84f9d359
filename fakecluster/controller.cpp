#include "fakecluster/controller.hpp"

#include "fakecluster/object_util.hpp"

namespace gs::fake {

Controller::Controller(ControllerContext& ctx, std::string name, int priority)
    : ctx_(ctx), name_(name), queue_(ctx.loop, std::move(name), priority, [this](const kube::ObjectKey& key) { reconcile(key); }) {}

bool Controller::enqueueIfKind(const WatchEvent& event, std::string_view apiVersion, std::string_view kind) {
  if (!is(*event.object, apiVersion, kind)) return false;
  if (event.type != WatchEvent::Type::Deleted) queue_.add(kube::objectKeyOf(*event.object));
  return true;
}

void Controller::enqueueOwner(const Json& object, std::string_view group, std::string_view kind) {
  std::string uid = controllerUid(object);
  if (uid.empty()) return;
  auto owner = ctx_.store.findByUid(uid);
  if (!owner) return;
  auto key = kube::objectKeyOf(*owner);
  if (key.group == group && key.kind == kind) queue_.add(key);
}

bool Controller::is(const Json& object, std::string_view apiVersion, std::string_view kind) {
  auto k = object.find("kind");
  auto v = object.find("apiVersion");
  return k != object.end() && v != object.end() && k->is_string() && v->is_string() &&
         k->get_ref<const std::string&>() == kind && v->get_ref<const std::string&>() == apiVersion;
}

}  // namespace gs::fake
