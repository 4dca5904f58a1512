// AccessGrant and ThirdPartyService → an entry that runs nothing, so a set that has them shows
// them (phase and message) instead of dropping them in silence.
//
// KAOS enforces an AccessGrant through its authorization projection, which needs a user
// identity provider (its condition Enforced=False/NoUserIdentityProvider otherwise); the local
// runtime has none. KAOS's operator registers no ThirdPartyService controller (main.go at
// 0.8.3-dev), so nothing acts on one anywhere yet.
#include "plan/internal.hpp"

namespace kaos::plan::detail {

Workload plan_unmodelled(const api::GenericObject& g) {
  Workload w;
  w.ref = {g.kind, g.metadata.namespace_, g.metadata.name};
  w.role = "none";
  if (g.kind == "AccessGrant") {
    w.failure =
        "not enforced: a user identity provider must be configured for this AccessGrant to be enforced (KAOS "
        "enforces grants in a cluster with security enabled); kaos up has none, so this grant restricts nothing "
        "here (local servers accept loopback callers only; docs/security.md)";
  } else {
    w.failure = "nothing acts on a " + g.kind +
                " yet: KAOS's operator registers no controller for it and kaos up has no local implementation; "
                "it is kept as written";
  }
  return w;
}

}  // namespace kaos::plan::detail
