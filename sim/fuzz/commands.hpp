// The fuzzer's commands, one class per operation (RapidCheck's stateful testing,
// doc/state.md): commit a manifest change, commit source code (CI builds, pushes and
// writes back), drift (edit, scale, delete, create), inject each fault kind, clear
// faults, sync, refresh, rollback, revert, wait. Each checks its preconditions against
// the model, turns itself into one scenario step, and shows itself readably; a command
// that cannot apply to the running world right now is skipped (and left out of the
// scenario it writes).
#pragma once

#include <memory>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "sim/fuzz/harness.hpp"
#include "sim/fuzz/model.hpp"

namespace gs::fuzz {

using FuzzCommand = rc::state::Command<Model, Harness>;
using FuzzCommands = rc::state::Commands<FuzzCommand>;

// One command suited to the model (RapidCheck picks, constructs, and checks
// preconditions; invalid picks are retried).
rc::Gen<std::shared_ptr<const FuzzCommand>> genCommand(const Model& model);

// A whole case: the swarm (world and enabled faults) and the command sequence.
struct FuzzCase {
  Swarm swarm;
  FuzzCommands commands;
};
rc::Gen<FuzzCase> genCase(sync::DeliberateBug bug);

// Each command's line, as RapidCheck shows a sequence.
std::string showCommands(const FuzzCommands& commands);

}  // namespace gs::fuzz
