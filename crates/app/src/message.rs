//! Messages by key and parameters, rendered from one catalogue per language
//! (`assets/messages/zh-CN.json`, `assets/messages/en.json`). The window imports the same files,
//! so a message or a name (status, role, action, field, …) is written once per language.
//!
//! A parameter is either data shown as it is (a plate, a name, a date, a path, a number) or a
//! typed name looked up in the catalogue section of its kind, never a Rust `Debug` name.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use casedesk_domain::permit::{Configuration, Measure, Verdict};
use casedesk_domain::text::TextField;
use casedesk_domain::{ActionKind, Role, Status, WhitelistKind};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

/// The language a message is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `en`, `en-US`, `en_GB.UTF-8` … are English; anything else (and nothing) is Chinese,
    /// the desk's first language.
    pub fn parse(s: &str) -> Lang {
        if s.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// From the environment as a POSIX program reads it: `LC_ALL`, then `LC_MESSAGES`, then `LANG`.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .map(|v| Lang::parse(&v))
            .unwrap_or(Lang::Zh)
    }
}

/// A term of a message that is not one of the domain's enumerations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Term {
    FeedbackDue,
    RectificationDeadline,
    ValidFrom,
    ValidUntil,
    HolidayFile,
    CatalogFile,
    Date,
}

/// One parameter of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum Param {
    /// Data, shown as it is in every language.
    Text(String),
    Status(Status),
    Role(Role),
    Action(ActionKind),
    Field(TextField),
    Term(Term),
    WhitelistKind(WhitelistKind),
    /// A measure of a permit declaration (height, width, length, total mass).
    Measure(Measure),
    /// Truck or combination, in a permit declaration.
    Configuration(Configuration),
    /// A review's verdict (通过 / 不予许可 / 补正材料).
    Verdict(Verdict),
}

/// A unit enum's code as it travels (its serde name, `approved`), the key of its catalogue name.
fn code<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

impl Param {
    /// The catalogue section and key this parameter's name is found under (None for data).
    fn lookup(&self) -> Option<(&'static str, String)> {
        match self {
            Param::Text(_) => None,
            Param::Status(s) => Some(("status", code(s))),
            Param::Role(r) => Some(("role", code(r))),
            Param::Action(a) => Some(("action", code(a))),
            Param::Field(f) => Some(("field", code(f))),
            Param::Term(t) => Some(("term", code(t))),
            Param::WhitelistKind(k) => Some(("whitelistKind", code(k))),
            Param::Measure(m) => Some(("measure", code(m))),
            Param::Configuration(c) => Some(("configuration", code(c))),
            Param::Verdict(v) => Some(("verdict", code(v))),
        }
    }
}

impl From<String> for Param {
    fn from(s: String) -> Param {
        Param::Text(s)
    }
}
impl From<&str> for Param {
    fn from(s: &str) -> Param {
        Param::Text(s.to_string())
    }
}
macro_rules! param_from {
    ($($t:ty => $v:ident),* $(,)?) => {$(
        impl From<$t> for Param {
            fn from(x: $t) -> Param {
                Param::$v(x)
            }
        }
    )*};
}
param_from!(Status => Status, Role => Role, ActionKind => Action, TextField => Field, Term => Term, WhitelistKind => WhitelistKind, Measure => Measure, Configuration => Configuration, Verdict => Verdict);
macro_rules! param_from_display {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Param {
            fn from(x: $t) -> Param {
                Param::Text(x.to_string())
            }
        }
    )*};
}
param_from_display!(u8, u32, u64, usize, i64, chrono::NaiveDate);

/// Declares the message keys with the parameters each one takes; the catalogues' `error`
/// sections have exactly these keys and placeholders (tested below).
macro_rules! message_keys {
    ($($(#[$doc:meta])* $variant:ident => $code:literal [$($param:literal),*]),* $(,)?) => {
        /// What a message says; its text is the catalogue entry of the same (snake_case) code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum MessageKey {
            $($(#[$doc])* $variant),*
        }

        impl MessageKey {
            pub const ALL: &'static [MessageKey] = &[$(MessageKey::$variant),*];

            /// The catalogue key.
            pub fn code(self) -> &'static str {
                match self {
                    $(MessageKey::$variant => $code),*
                }
            }

            /// The parameters the message takes.
            pub fn params(self) -> &'static [&'static str] {
                match self {
                    $(MessageKey::$variant => &[$($param),*]),*
                }
            }
        }
    };
}

message_keys! {
    NotAllowed => "not_allowed" ["status", "role", "action"],
    NotClaimant => "not_claimant" ["claimant"],
    OutsideJurisdiction => "outside_jurisdiction" ["county"],
    Whitelisted => "whitelisted" ["plate", "kind"],
    NotWhitelisted => "not_whitelisted" ["plate"],
    DateInPast => "date_in_past" ["date", "today"],
    DateTooFar => "date_too_far" ["date", "latest"],
    NoRectificationRecorded => "no_rectification_recorded" [],
    InterceptionHasOwnAction => "interception_has_own_action" [],
    NoticeHasOwnAction => "notice_has_own_action" [],
    UnknownCounty => "unknown_county" ["county_code"],
    TextEmpty => "text_empty" ["field"],
    TextTooLong => "text_too_long" ["field", "len", "max"],
    TextControlCharacter => "text_control_character" ["field", "char_code"],
    DateInvalid => "date_invalid" ["term", "value"],
    WhitelistNotSupervisor => "whitelist_not_supervisor" [],
    WhitelistNoProposal => "whitelist_no_proposal" [],
    WhitelistNothingToRevoke => "whitelist_nothing_to_revoke" [],
    WhitelistAlreadyListed => "whitelist_already_listed" ["plate"],
    WhitelistNotAddable => "whitelist_not_addable" ["kind"],
    WhitelistEventDetailsRequired => "whitelist_event_details_required" [],
    WhitelistEndsBeforeBegins => "whitelist_ends_before_begins" ["from", "until"],
    WhitelistDateOutOfRange => "whitelist_date_out_of_range" ["date"],
    OrderNotFound => "order_not_found" ["key"],
    DatabaseLocked => "database_locked" [],
    DatabaseNewer => "database_newer" [],
    StorageFailed => "storage_failed" ["detail"],
    FileUnreadable => "file_unreadable" ["path"],
    FileTooLarge => "file_too_large" ["path", "limit_mb"],
    FileTypeMismatch => "file_type_mismatch" ["path", "ext"],
    FileUnsupported => "file_unsupported" ["path"],
    EvidenceWriteFailed => "evidence_write_failed" ["detail"],
    FileReadFailed => "file_read_failed" ["term", "path", "detail"],
    FileInvalid => "file_invalid" ["term", "path", "detail"],
    DataFolderFailed => "data_folder_failed" ["path", "detail"],
    FolderMissing => "folder_missing" ["path"],
    ExportSaveFailed => "export_save_failed" ["path", "detail"],
    ExportXlsxFailed => "export_xlsx_failed" ["detail"],
    BatchTooLarge => "batch_too_large" ["max"],
    BatchRefused => "batch_refused" ["refused", "total", "action"],
    UndoNoClaim => "undo_no_claim" [],
    UndoAlreadySent => "undo_already_sent" [],
    UndoChangedSince => "undo_changed_since" [],
    DemoCount => "demo_count" ["max"],
    DemoCacheNotEmpty => "demo_cache_not_empty" [],
    DemoDataDamaged => "demo_data_damaged" ["detail"],
    DemoNoRoads => "demo_no_roads" ["county"],
    DemoInFuture => "demo_in_future" ["at"],
    DemoMomentInvalid => "demo_moment_invalid" ["value"],
    HubOffline => "hub_offline" ["url"],
    /// A message the hub (or the sync client) wrote in both languages: shown as it came.
    HubSays => "hub_says" ["message_zh", "message_en"],
    SessionEnded => "session_ended" [],
    HubProtocol => "hub_protocol" ["detail"],
    NotSignedIn => "not_signed_in" [],
    NetworkRuntime => "network_runtime" ["detail"],
    JsonOutput => "json_output" ["detail"],
    PasswordUnreadable => "password_unreadable" ["detail"],
    PasswordMissing => "password_missing" [],
    Internal => "internal" [],
    FilterNotFound => "filter_not_found" ["name"],
    RefusalNotFound => "refusal_not_found" ["seq"],
    RefusalNotRedoable => "refusal_not_redoable" ["seq"],
    PermitDimensionZero => "permit_dimension_zero" ["measure"],
    PermitDimensionAbsurd => "permit_dimension_absurd" ["measure", "value", "max", "unit"],
    PermitAxleCount => "permit_axle_count" ["axles", "min", "max"],
    PermitSingleTyreAxles => "permit_single_tyre_axles" ["single_tyre_axles", "axles"],
    PermitNotMetres => "permit_not_metres" ["text"],
    PermitNotKilograms => "permit_not_kilograms" ["text"],
    PermitNoMassLimit => "permit_no_mass_limit" ["axles", "configuration"],
    PermitReductionExceedsLimit => "permit_reduction_exceeds_limit" ["base_kg", "single_tyre_axles"],
    PermitUnknownMaterial => "permit_unknown_material" ["code"],
    SampleSeedNotHex => "sample_seed_not_hex" ["text"],
    SampleListMalformed => "sample_list_malformed" ["detail"],
    SampleSeedTooShort => "sample_seed_too_short" ["len", "min"],
    SampleEmptyApplicationId => "sample_empty_application_id" [],
    SampleDuplicateApplication => "sample_duplicate_application" ["id"],
    SampleMalformedCommitment => "sample_malformed_commitment" ["text"],
    SampleSeedDoesNotMatchCommitment => "sample_seed_does_not_match_commitment" [],
    SampleDrawDiffers => "sample_draw_differs" [],
    SampleCommittedTooLate => "sample_committed_too_late" ["published_at", "first_application_at"],
    PermitDayNotPulled => "permit_day_not_pulled" ["date"],
    PermitNeedsHub => "permit_needs_hub" ["url"],
    PermitCloseDeskStaffOnly => "permit_close_desk_staff_only" [],
    PermitApplicationNotFound => "permit_application_not_found" ["application_id"],
    MaterialHashMismatch => "material_hash_mismatch" ["file_name", "expected", "actual"],
    MaterialWrongSize => "material_wrong_size" ["file_name", "expected", "got"],
    MaterialSaveFailed => "material_save_failed" ["file_name", "detail"],
    KeptText => "kept_text" ["message_zh", "message_en"],
    MediaServerFailed => "media_server_failed" ["detail"],
    PermitCloseUndecided => "permit_close_undecided" ["count", "ids"],
    PermitNoPermitNeeded => "permit_no_permit_needed" ["id"],
    ReviewUnknownItem => "review_unknown_item" ["item"],
    ReviewItemNotForClass => "review_item_not_for_class" ["item"],
    ReviewItemTwice => "review_item_twice" ["item"],
    ReviewUnknownMaterialFile => "review_unknown_material_file" ["sha256"],
    ReviewTooManyNotes => "review_too_many_notes" ["max"],
    ReviewPassWithItemsNotTicked => "review_pass_with_items_not_ticked" ["items"],
    ReviewPassWithMissingMaterials => "review_pass_with_missing_materials" ["materials"],
    ReviewNothingToNotify => "review_nothing_to_notify" [],
    ReviewRefusalWithoutReason => "review_refusal_without_reason" [],
    ReviewAlreadyDecided => "review_already_decided" ["by", "verdict"],
    ReviewUnknownVerdict => "review_unknown_verdict" ["text"],
    ReviewBadMark => "review_bad_mark" ["text"],
    ReviewBadNote => "review_bad_note" ["text"],
    ReviewNotReviewer => "review_not_reviewer" ["role"],
    ReviewDayClosed => "review_day_closed" ["id", "day"],
    PermitClockNotRunning => "permit_clock_not_running" [],
    PermitUnknownPauseReason => "permit_unknown_pause_reason" ["text"],
    PermitClockAlreadyPaused => "permit_clock_already_paused" ["since"],
    PermitClockNotPaused => "permit_clock_not_paused" [],
    PermitPauseBeforeReceipt => "permit_pause_before_receipt" ["from", "received"],
    PermitPauseOverlapsEarlier => "permit_pause_overlaps_earlier" ["from", "until"],
    PermitPauseEndsBeforeItBegins => "permit_pause_ends_before_it_begins" ["from", "until"],
    PermitClockDateInFuture => "permit_clock_date_in_future" ["date", "today"],
    NoticeNeedsMoreMaterial => "notice_needs_more_material" ["id"],
    NoticeRenderFailed => "notice_render_failed" ["detail"],
    NoticeSaveFailed => "notice_save_failed" ["path", "detail"],
    MediaUnreadable => "media_unreadable" ["path", "detail"],
    MediaEmpty => "media_empty" ["path"],
    MediaTooLarge => "media_too_large" ["path", "size", "limit"],
    MediaUnknownKind => "media_unknown_kind" ["path"],
    MediaNotAPhoto => "media_not_a_photo" ["path"],
    MediaNotAVideo => "media_not_a_video" ["path"],
    MediaNotAPdf => "media_not_a_pdf" ["path"],
    MediaTruncated => "media_truncated" ["path", "detail"],
    MediaUndecodable => "media_undecodable" ["path", "detail"],
    MediaToolFailed => "media_tool_failed" ["program", "path", "detail"],
    MediaTimedOut => "media_timed_out" ["program", "path", "seconds"],
    SubmissionUnreadable => "submission_unreadable" ["path", "detail"],
    FileNotGranted => "file_not_granted" [],
    EvidenceNotFound => "evidence_not_found" ["hash"],
    EvidenceDamaged => "evidence_damaged" ["hash"],
    EvidenceReadFailed => "evidence_read_failed" ["detail"],
    AttentionNeedsHub => "attention_needs_hub" ["url"],
    AttentionNotFound => "attention_not_found" ["id"],
    AttentionNoteRequired => "attention_note_required" [],
    AttentionSupervisorsOnly => "attention_supervisors_only" [],
}

/// A message: its key and its parameters by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Message {
    pub key: MessageKey,
    pub params: BTreeMap<String, Param>,
}

impl Message {
    pub fn new(key: MessageKey) -> Message {
        Message {
            key,
            params: BTreeMap::new(),
        }
    }

    /// Adds a parameter; a name the key does not declare is a programming error.
    pub fn with(mut self, name: &'static str, value: impl Into<Param>) -> Message {
        debug_assert!(
            self.key.params().contains(&name),
            "message {} has no parameter {name}",
            self.key.code()
        );
        self.params.insert(name.to_string(), value.into());
        self
    }

    /// The message in `lang`, from that language's catalogue.
    pub fn render(&self, lang: Lang) -> String {
        Catalogue::get(lang).render(self)
    }
}

/// What the desk says about an action the hub refused: why, and what to do (None when the
/// desk does not know the refusal's code and shows the hub's own text as the reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RefusalText {
    pub reason: String,
    pub advice: Option<String>,
}

/// One language's catalogue, parsed once from the embedded JSON.
pub struct Catalogue(Value);

const ZH: &str = include_str!("../../../assets/messages/zh-CN.json");
const EN: &str = include_str!("../../../assets/messages/en.json");

impl Catalogue {
    pub fn get(lang: Lang) -> &'static Catalogue {
        static ZH_CAT: OnceLock<Catalogue> = OnceLock::new();
        static EN_CAT: OnceLock<Catalogue> = OnceLock::new();
        let (cell, text) = match lang {
            Lang::Zh => (&ZH_CAT, ZH),
            Lang::En => (&EN_CAT, EN),
        };
        // The files are embedded at build time and checked by the tests below, so a parse
        // failure cannot reach a user; an empty catalogue would still render the key.
        cell.get_or_init(|| Catalogue(serde_json::from_str(text).unwrap_or(Value::Null)))
    }

    fn entry(&self, section: &str, key: &str) -> Option<&str> {
        self.0.get(section)?.get(key)?.as_str()
    }

    /// The name of `value` in one of the catalogue's name sections (`whitelistKind`,
    /// `whitelistStatus`, ...): what the window shows for it. Its code when the section lacks it.
    pub fn name<T: Serialize>(&self, section: &str, value: &T) -> String {
        let key = code(value);
        self.entry(section, &key).unwrap_or(&key).to_string()
    }

    /// The name of a typed parameter in this language (data as it is).
    pub fn param(&self, p: &Param) -> String {
        match (p, p.lookup()) {
            (Param::Text(s), _) => s.clone(),
            (_, Some((section, key))) => self.entry(section, &key).unwrap_or(&key).to_string(),
            (_, None) => String::new(),
        }
    }

    /// The reason and what to do for a hub refusal `code` with its parameters (`refusalReason`,
    /// `refusalAdvice`); None when this catalogue does not know the code (a newer hub's) or a
    /// parameter its texts show is missing (a refusal recorded before parameters travelled).
    /// A parameter named in `refusalParam` carries a code looked up in that section (`status`,
    /// `role`, ...); the rest are data.
    pub fn refusal(&self, code: &str, params: &BTreeMap<String, String>) -> Option<RefusalText> {
        let reason = self.entry("refusalReason", code)?;
        let advice = self.entry("refusalAdvice", code)?;
        let complete = placeholders(reason)
            .iter()
            .chain(&placeholders(advice))
            .all(|name| params.contains_key(name));
        if !complete {
            return None;
        }
        let value = |name: &str| {
            let v = params.get(name)?;
            Some(
                self.entry("refusalParam", name)
                    .and_then(|section| self.entry(section, v))
                    .unwrap_or(v)
                    .to_string(),
            )
        };
        Some(RefusalText {
            reason: fill(reason, value),
            advice: Some(fill(advice, value)),
        })
    }

    pub fn render(&self, m: &Message) -> String {
        let Some(template) = self.entry("error", m.key.code()) else {
            return m.key.code().to_string();
        };
        fill(template, |name| m.params.get(name).map(|p| self.param(p)))
    }
}

/// Replaces each `{name}` in `template` by its value; an unknown name stays as written.
pub fn fill(template: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of a template.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    fill(template, |name| {
        names.push(name.to_string());
        Some(String::new())
    });
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The window looks a message up by the key as it travels (serde); the CLI by `code()`.
    #[test]
    fn every_key_travels_as_its_catalogue_code() {
        for k in MessageKey::ALL {
            assert_eq!(
                serde_json::to_value(k).expect("key"),
                Value::String(k.code().to_string()),
                "{k:?}"
            );
        }
    }

    fn catalogues() -> [(Lang, Value); 2] {
        [
            (
                Lang::Zh,
                serde_json::from_str(ZH).expect("zh-CN.json parses"),
            ),
            (Lang::En, serde_json::from_str(EN).expect("en.json parses")),
        ]
    }

    #[test]
    fn the_catalogues_have_exactly_the_rust_keys_and_parameters() {
        let codes: BTreeSet<&str> = MessageKey::ALL.iter().map(|k| k.code()).collect();
        for (lang, cat) in catalogues() {
            let errors = cat["error"].as_object().expect("an error section");
            let keys: BTreeSet<&str> = errors.keys().map(String::as_str).collect();
            assert_eq!(
                keys, codes,
                "{lang:?}: catalogue keys differ from MessageKey"
            );
        }
        for key in MessageKey::ALL {
            let declared: BTreeSet<String> = key.params().iter().map(|s| s.to_string()).collect();
            let mut used = BTreeSet::new();
            for (lang, cat) in catalogues() {
                let t = cat["error"][key.code()].as_str().expect("a string");
                let here: BTreeSet<String> = placeholders(t).into_iter().collect();
                assert!(
                    here.is_subset(&declared),
                    "{lang:?} {}: placeholders {here:?} not declared in {declared:?}",
                    key.code()
                );
                used.extend(here);
            }
            // Only two-language texts (the hub's own, or one kept in the cache) are shown in
            // one language each.
            if !matches!(key, MessageKey::HubSays | MessageKey::KeptText) {
                for (lang, cat) in catalogues() {
                    let t = cat["error"][key.code()].as_str().expect("a string");
                    let here: BTreeSet<String> = placeholders(t).into_iter().collect();
                    assert_eq!(here, declared, "{lang:?} {}: parameters", key.code());
                }
            }
            assert_eq!(
                used,
                declared,
                "{}: a declared parameter is never shown",
                key.code()
            );
        }
    }

    /// Every refusal the hub can send has a reason and a what-to-do text in both languages,
    /// each showing exactly the parameters the code carries (between them), and nothing else.
    #[test]
    fn every_hub_refusal_code_has_a_reason_and_advice_in_both_catalogues() {
        use casedesk_wire::RejectionCode;
        let codes: BTreeSet<&str> = RejectionCode::ALL.iter().map(|c| c.code()).collect();
        for (lang, cat) in catalogues() {
            for section in ["refusalReason", "refusalAdvice"] {
                let keys: BTreeSet<&str> = cat[section]
                    .as_object()
                    .unwrap_or_else(|| panic!("{lang:?}: no {section} section"))
                    .keys()
                    .map(String::as_str)
                    .collect();
                assert_eq!(
                    keys, codes,
                    "{lang:?} {section}: keys differ from RejectionCode"
                );
            }
            for code in RejectionCode::ALL {
                let declared: BTreeSet<String> =
                    code.params().iter().map(|s| s.to_string()).collect();
                let mut shown = BTreeSet::new();
                for section in ["refusalReason", "refusalAdvice"] {
                    let t = cat[section][code.code()].as_str().expect("a string");
                    assert!(!t.trim().is_empty(), "{lang:?} {section}.{}", code.code());
                    shown.extend(placeholders(t));
                }
                assert_eq!(shown, declared, "{lang:?} {}: parameters", code.code());
            }
            // A parameter looked up by name names a section that exists.
            for (name, section) in cat["refusalParam"].as_object().expect("refusalParam") {
                let section = section.as_str().expect("a section name");
                assert!(
                    cat[section].is_object(),
                    "{lang:?}: {name} → no section {section}"
                );
            }
        }
    }

    #[test]
    fn a_refusal_renders_its_parameters_with_names_from_the_catalogue() {
        let params: BTreeMap<String, String> = [
            ("order_no", "GD202611290000002"),
            ("status", "submitted"),
            ("role", "county_officer"),
            ("action", "spot_check_pass"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
        let en = Catalogue::get(Lang::En)
            .refusal("not_allowed", &params)
            .expect("known");
        assert_eq!(en.reason, "Work order GD202611290000002 is \"Awaiting spot check\" on the hub, and \"Pass spot check\" is not open to the role \"County officer\" in that state.");
        let zh = Catalogue::get(Lang::Zh)
            .refusal("not_allowed", &params)
            .expect("known");
        assert!(
            zh.reason
                .contains("“待抽查”，县区执法人员不能执行“抽查通过”"),
            "{}",
            zh.reason
        );
        assert!(zh.advice.is_some_and(|a| a.contains("重做")));
        assert_eq!(
            Catalogue::get(Lang::Zh).refusal("from_a_newer_hub", &params),
            None
        );
        // Recorded before parameters travelled: the hub's text, not a template with holes.
        assert_eq!(
            Catalogue::get(Lang::En).refusal("claimed_by_other", &BTreeMap::new()),
            None
        );
        assert!(Catalogue::get(Lang::En)
            .refusal("not_supervisor", &BTreeMap::new())
            .is_some());
    }

    #[test]
    fn every_typed_parameter_value_has_a_name_in_both_languages() {
        use casedesk_domain::{ActionKind as A, Role as R, Status as S, WhitelistKind as W};
        let mut params: Vec<Param> = Vec::new();
        params.extend(S::ALL.iter().copied().map(Param::Status));
        params.extend(R::ALL.iter().copied().map(Param::Role));
        params.extend(A::ALL.iter().copied().map(Param::Action));
        params.extend(TextField::ALL.iter().copied().map(Param::Field));
        params.extend(W::ALL.iter().copied().map(Param::WhitelistKind));
        params.extend(
            [
                Measure::Height,
                Measure::Width,
                Measure::Length,
                Measure::TotalMass,
            ]
            .map(Param::Measure),
        );
        params.extend([Configuration::Truck, Configuration::Combination].map(Param::Configuration));
        params.extend(
            [
                Term::FeedbackDue,
                Term::RectificationDeadline,
                Term::ValidFrom,
                Term::ValidUntil,
                Term::HolidayFile,
                Term::CatalogFile,
                Term::Date,
            ]
            .map(Param::Term),
        );
        for (lang, cat) in catalogues() {
            for p in &params {
                let (section, key) = p.lookup().expect("typed");
                assert!(
                    cat[section][&key].as_str().is_some_and(|s| !s.is_empty()),
                    "{lang:?}: no {section}.{key}"
                );
            }
        }
    }

    #[test]
    fn every_whitelist_status_has_a_name_in_both_languages() {
        use casedesk_domain::WhitelistStatus as S;
        for lang in [Lang::Zh, Lang::En] {
            for s in [S::Proposed, S::Approved, S::Declined, S::Revoked] {
                let name = Catalogue::get(lang).name("whitelistStatus", &s);
                assert_ne!(name, s.code(), "{lang:?}: no whitelistStatus.{}", s.code());
            }
        }
        assert_eq!(
            Catalogue::get(Lang::Zh).name("whitelistStatus", &S::Declined),
            "未批准"
        );
    }

    #[test]
    fn renders_names_from_the_catalogue_not_rust_names() {
        let m = Message::new(MessageKey::NotAllowed)
            .with("status", Status::Submitted)
            .with("role", Role::CountyOfficer)
            .with("action", ActionKind::SpotCheckPass);
        assert_eq!(
            m.render(Lang::En),
            "Refused: the order is \"Awaiting spot check\", and \"Pass spot check\" is not open to the role \"County officer\" in that state. Refresh and act on the order's current state."
        );
        assert!(m
            .render(Lang::Zh)
            .contains("县区执法人员不能执行“抽查通过”"));
        let t = Message::new(MessageKey::TextTooLong)
            .with("field", TextField::Result)
            .with("len", 501usize)
            .with("max", 500usize);
        assert_eq!(
            t.render(Lang::En),
            "Too long: the result has 501 characters; the limit is 500."
        );
    }

    #[test]
    fn the_systems_whitelist_reason_is_the_chinese_catalogue_text() {
        for (lang, cat) in catalogues() {
            let t = cat["whitelistReason"]["clean_interceptions"]
                .as_str()
                .expect("text");
            assert_eq!(placeholders(t), ["n"], "{lang:?}");
        }
        let zh = catalogues()[0].1["whitelistReason"]["clean_interceptions"]
            .as_str()
            .expect("text")
            .to_string();
        assert_eq!(
            casedesk_domain::whitelist::clean_interceptions_reason(3),
            fill(&zh, |_| Some("3".into()))
        );
    }

    #[test]
    fn fill_keeps_unknown_placeholders_and_lone_braces() {
        assert_eq!(
            fill("a {x} b {y} {", |n| (n == "x").then(|| "1".into())),
            "a 1 b {y} {"
        );
    }

    #[test]
    fn language_from_locale_names() {
        assert_eq!(Lang::parse("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::parse("EN"), Lang::En);
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::parse("C"), Lang::Zh);
    }
}
