//! What a role may do, in one place: review permits, keep the dishonest-enterprise list, close a
//! service point's day, decide on the whitelist, resolve the attention list, and whether it
//! spot-checks orders at all (each order's actions are still decided by the transition table,
//! from which that one is read). The desk reads it before it keeps anything, the hub before it
//! changes anything, and the window (through the desk's status) to show only the controls a
//! user may use.

use serde::Serialize;
use ts_rs::TS;

use crate::work_order::{ActionKind, Role, TRANSITIONS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Rights {
    /// Review oversized-cargo applications and change their decision clocks (审核).
    pub review_permits: bool,
    /// Keep the dishonest-enterprise list (失信企业库).
    pub keep_dishonest_list: bool,
    /// Close the service point's day (日结), which reveals the seed and draws the sample.
    pub close_permit_day: bool,
    /// Add, approve, refuse and revoke whitelist entries (白名单).
    pub decide_whitelist: bool,
    /// See and resolve the attention list (待关注事项) of refused offline work.
    pub resolve_attention: bool,
    /// Pass or fail orders submitted for spot check (抽查), in some state of the transition table.
    pub spot_check: bool,
}

impl Role {
    pub fn rights(self) -> Rights {
        let service_point = matches!(self, Role::DeskStaff | Role::Supervisor);
        let supervisor = self == Role::Supervisor;
        Rights {
            review_permits: service_point,
            keep_dishonest_list: service_point,
            close_permit_day: self == Role::DeskStaff,
            decide_whitelist: supervisor,
            resolve_attention: supervisor,
            spot_check: TRANSITIONS.iter().any(|(r, _, a, _)| {
                *r == self && matches!(a, ActionKind::SpotCheckPass | ActionKind::SpotCheckFail)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desk_staff_run_the_service_point_and_supervisors_oversee_it() {
        let staff = Role::DeskStaff.rights();
        assert!(staff.review_permits && staff.keep_dishonest_list && staff.close_permit_day);
        assert!(!staff.decide_whitelist && !staff.resolve_attention && !staff.spot_check);

        let sup = Role::Supervisor.rights();
        assert!(sup.review_permits && sup.keep_dishonest_list && !sup.close_permit_day);
        assert!(sup.decide_whitelist && sup.resolve_attention && sup.spot_check);

        let nothing = Rights {
            review_permits: false,
            keep_dishonest_list: false,
            close_permit_day: false,
            decide_whitelist: false,
            resolve_attention: false,
            spot_check: false,
        };
        assert_eq!(Role::CountyOfficer.rights(), nothing);
        assert_eq!(Role::Administrator.rights(), nothing);
    }
}
