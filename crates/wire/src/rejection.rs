//! Why the hub refused a mutation: a code from one list ([`RejectionCode`]) with its parameters,
//! so a desk says the reason and what to do from its own catalogue, in its user's language. The
//! hub's two texts travel too, for logs and for desks that do not know the code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A refusal as it travels: the code, its parameters, and the hub's texts made from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejection {
    /// One of [`RejectionCode`]'s codes (`claimed_by_other`, `not_allowed`, ...).
    pub code: String,
    /// The code's parameters by name ([`RejectionCode::params`]), all strings: data as it is
    /// (an order number, a user, a date) or the code of a named value (`status`, `role`,
    /// `action`, `kind`, `field`). Empty when the code takes none, and from a hub older than
    /// parameters.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    pub message_zh: String,
    pub message_en: String,
}

impl Rejection {
    /// A refusal with its parameters and the hub's texts. A parameter the code does not
    /// declare, or one it declares left out, is a programming error.
    pub fn new(
        code: RejectionCode,
        params: impl IntoIterator<Item = (&'static str, String)>,
        message_zh: String,
        message_en: String,
    ) -> Rejection {
        let params: BTreeMap<String, String> = params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        debug_assert!(
            params.keys().map(String::as_str).eq(sorted(code.params())),
            "rejection {} takes {:?}, given {:?}",
            code.code(),
            code.params(),
            params.keys()
        );
        Rejection {
            code: code.code().to_string(),
            params,
            message_zh,
            message_en,
        }
    }

    /// The code, when this build knows it.
    pub fn known_code(&self) -> Option<RejectionCode> {
        RejectionCode::parse(&self.code)
    }
}

fn sorted(names: &[&'static str]) -> Vec<&'static str> {
    let mut v = names.to_vec();
    v.sort_unstable();
    v
}

/// Declares the refusal codes with the parameters each carries.
macro_rules! rejection_codes {
    ($($(#[$doc:meta])* $variant:ident => $code:literal [$($param:literal),*]),* $(,)?) => {
        /// Every refusal the hub can send; a desk's catalogue has a reason and a what-to-do text
        /// for each (tested in the desk).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RejectionCode {
            $($(#[$doc])* $variant),*
        }

        impl RejectionCode {
            pub const ALL: &'static [RejectionCode] = &[$(RejectionCode::$variant),*];

            /// The code on the wire.
            pub fn code(self) -> &'static str {
                match self {
                    $(RejectionCode::$variant => $code),*
                }
            }

            /// The parameters it carries.
            pub fn params(self) -> &'static [&'static str] {
                match self {
                    $(RejectionCode::$variant => &[$($param),*]),*
                }
            }

            pub fn parse(code: &str) -> Option<RejectionCode> {
                match code {
                    $($code => Some(RejectionCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

rejection_codes! {
    /// A claim that lost the race: someone else's claim reached the hub first.
    ClaimedByOther => "claimed_by_other" ["order_no", "holder"],
    /// The role may not take this action in the order's state (`status`, `role`, `action` codes).
    NotAllowed => "not_allowed" ["order_no", "status", "role", "action"],
    /// Someone else holds the order.
    NotClaimant => "not_claimant" ["order_no", "claimant"],
    /// The order (or the whitelist entry, `key` its plate) is outside the user's jurisdiction.
    OutsideJurisdiction => "outside_jurisdiction" ["key"],
    /// The vehicle is whitelisted (`kind` a whitelist kind code).
    Whitelisted => "whitelisted" ["plate", "kind"],
    NotWhitelisted => "not_whitelisted" ["plate"],
    /// A text is empty, too long or has a control character (`field` a text field code).
    InvalidText => "invalid_text" ["field"],
    DateInPast => "date_in_past" ["date", "today"],
    DateTooFar => "date_too_far" ["date", "latest"],
    /// A spot check submitted without a rectification recorded.
    NoRectification => "no_rectification" ["order_no"],
    /// Interception and notice are recorded with their own actions, not `handle`.
    MethodHasOwnAction => "method_has_own_action" [],
    UnknownCounty => "unknown_county" ["county_code"],
    /// A rectification whose evidence files the hub does not hold (`files`: names, comma-separated).
    EvidenceMissing => "evidence_missing" ["order_no", "files"],
    /// No such work order on the hub.
    UnknownEntity => "unknown_entity" ["key"],
    /// The payload is not an action (`detail`: the parser's words).
    BadPayload => "bad_payload" ["detail"],
    /// The `action` code and the payload's action differ.
    ActionMismatch => "action_mismatch" ["sent", "payload"],
    WrongEntity => "wrong_entity" [],
    BadMutationId => "bad_mutation_id" [],
    /// The same mutation id came back asking something else.
    MutationIdReused => "mutation_id_reused" [],
    /// Only a supervisor decides on the whitelist.
    NotSupervisor => "not_supervisor" [],
    /// The entry's status does not allow the decision (decided by someone else meanwhile).
    WrongStatus => "wrong_status" ["plate"],
    AlreadyListed => "already_listed" ["plate"],
    /// This kind is proposed by the interception rule, not added by hand.
    NotAddable => "not_addable" ["kind"],
    EventDetailsRequired => "event_details_required" [],
    EndsBeforeItBegins => "ends_before_it_begins" ["from", "until"],
    DateOutOfRange => "date_out_of_range" ["date"],
    /// Only the service point's desk staff and supervisors review applications (`role` a role
    /// code).
    NotReviewer => "not_reviewer" ["role"],
    /// The application's day was closed (日结): its applications are locked.
    PermitDayClosed => "permit_day_closed" ["application_id", "day"],
    /// The application has its verdict already (`verdict` a verdict code, `by` who gave it).
    AlreadyDecided => "already_decided" ["application_id", "verdict", "by"],
    /// The review does not hold (`problem`: the domain's `ReviewError` code).
    BadReview => "bad_review" ["application_id", "problem"],
    /// A pause or resumption of the decision clock that does not fit the pauses recorded
    /// (`clock_problem`: the domain's `ClockActionError` code).
    BadClockAction => "bad_clock_action" ["application_id", "clock_problem"],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for c in RejectionCode::ALL {
            assert_eq!(RejectionCode::parse(c.code()), Some(*c));
            assert!(seen.insert(c.code()), "{} twice", c.code());
        }
        assert_eq!(RejectionCode::parse("no_such_code"), None);
    }

    #[test]
    fn an_older_hubs_rejection_reads_with_no_parameters() {
        let old = serde_json::json!({"code": "claimed_by_other", "message_zh": "已被认领", "message_en": "claimed"});
        let r: Rejection = serde_json::from_value(old).expect("reads");
        assert!(r.params.is_empty());
        assert_eq!(r.known_code(), Some(RejectionCode::ClaimedByOther));
    }
}
