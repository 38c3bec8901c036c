//! Withdrawing a claim (撤销认领): a claim made by mistake (a slip of the C key) can be taken back
//! for as long as it has not left the desk. Once the hub has it (sent, accepted or refused), or
//! once anything else happened to the order, the claim stands and the order is worked, returned
//! or transferred the ordinary way. The withdrawal is recorded beside the claim, so the trail
//! keeps both; it is never sent, because the hub never saw the claim.

use thiserror::Error;

use crate::lifecycle::{clock_on_entering, Actor, OrderState, Situation};
use crate::work_order::Status;

/// Why a claim cannot be withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum UndoRefusal {
    #[error("there is no claim of yours to undo on this order")]
    NoClaim,
    #[error("the claim was already sent to the hub and can no longer be undone")]
    AlreadySent,
    #[error("the order changed after the claim, so the claim can no longer be undone")]
    ChangedSince,
}

/// What the cache knows of the order's latest claim.
#[derive(Debug, Clone, Copy)]
pub struct LatestClaim<'a> {
    /// Who made it.
    pub claimant: &'a str,
    /// Nothing was recorded on the order after it (no later action, no version pulled from the hub).
    pub is_latest: bool,
    /// Its mutation still waits in the outbox, neither sent nor refused by the hub.
    pub unsent: bool,
}

/// The order as it was before `claim`, when `actor` may withdraw it: waiting to be claimed, on
/// the officer's handling clock (a claim changes nothing else).
pub fn withdraw_claim(
    state: &OrderState,
    actor: &Actor<'_>,
    claim: Option<LatestClaim<'_>>,
    sit: &Situation<'_>,
) -> Result<OrderState, UndoRefusal> {
    let claim = claim.ok_or(UndoRefusal::NoClaim)?;
    if claim.claimant != actor.name {
        return Err(UndoRefusal::NoClaim);
    }
    if !claim.is_latest {
        return Err(UndoRefusal::ChangedSince);
    }
    if !claim.unsent {
        return Err(UndoRefusal::AlreadySent);
    }
    if state.status != Status::Claimed || state.claimed_by.as_deref() != Some(actor.name) {
        return Err(UndoRefusal::ChangedSince);
    }
    let mut before = state.clone();
    before.status = Status::Pending;
    before.claimed_by = None;
    before.clock = clock_on_entering(&before, sit);
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::OrderAction;
    use crate::catalog::Catalog;
    use crate::lifecycle::apply;
    use crate::work_order::Role;
    use crate::WorkingCalendar;
    use chrono::NaiveDateTime;

    fn officer(name: &str) -> Actor<'_> {
        Actor {
            role: Role::CountyOfficer,
            name,
            county_code: "410783",
        }
    }

    fn world() -> (WorkingCalendar, &'static Catalog, NaiveDateTime) {
        let now =
            NaiveDateTime::parse_from_str("2026-11-24 09:30", "%Y-%m-%d %H:%M").expect("time");
        (WorkingCalendar::embedded(), Catalog::embedded(), now)
    }

    fn mine(unsent: bool, is_latest: bool) -> Option<LatestClaim<'static>> {
        Some(LatestClaim {
            claimant: "张伟",
            is_latest,
            unsent,
        })
    }

    #[test]
    fn an_unsent_claim_withdrawn_gives_back_the_order_as_it_was() {
        let (calendar, catalog, now) = world();
        let sit = Situation {
            now,
            calendar: &calendar,
            clocks: catalog.clocks(),
            plate: "豫G12345",
            whitelist: None,
        };
        let violation = &catalog.all()[0];
        let before = OrderState::open(
            violation,
            now - chrono::Duration::hours(3),
            "410783",
            &calendar,
        );
        let claimed = apply(&before, &officer("张伟"), &OrderAction::Claim, &sit)
            .expect("claim")
            .state;
        assert_eq!(claimed.status, Status::Claimed);
        let back =
            withdraw_claim(&claimed, &officer("张伟"), mine(true, true), &sit).expect("undo");
        assert_eq!(
            back, before,
            "status, claimant and the running clock as before the claim"
        );
    }

    #[test]
    fn a_sent_a_superseded_or_a_colleagues_claim_stands() {
        let (calendar, catalog, now) = world();
        let sit = Situation {
            now,
            calendar: &calendar,
            clocks: catalog.clocks(),
            plate: "豫G12345",
            whitelist: None,
        };
        let before = OrderState::open(&catalog.all()[0], now, "410783", &calendar);
        let claimed = apply(&before, &officer("张伟"), &OrderAction::Claim, &sit)
            .expect("claim")
            .state;
        let me = officer("张伟");
        let undo = |c| withdraw_claim(&claimed, &me, c, &sit);
        assert_eq!(undo(mine(false, true)), Err(UndoRefusal::AlreadySent));
        assert_eq!(undo(mine(true, false)), Err(UndoRefusal::ChangedSince));
        assert_eq!(undo(None), Err(UndoRefusal::NoClaim));
        let colleague = Some(LatestClaim {
            claimant: "李娜",
            is_latest: true,
            unsent: true,
        });
        assert_eq!(undo(colleague), Err(UndoRefusal::NoClaim));
        // The order is no longer claimed by me (a later action changed its status).
        assert_eq!(
            withdraw_claim(&before, &me, mine(true, true), &sit),
            Err(UndoRefusal::ChangedSince)
        );
    }
}
