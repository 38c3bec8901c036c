//! The rule data a desk works with, read from the data folder at start: the holiday calendar
//! (the embedded one, extended by `calendar.json`) and the violation catalog (the embedded one,
//! overridden by `catalog.json`). A malformed file is refused with its reason.

use std::path::Path;

use casedesk_domain::{Catalog, WorkingCalendar};

use crate::error::AppError;
use crate::message::{MessageKey, Term};

/// An administrator's extension of the holiday calendar, read at start if present.
pub const CALENDAR_FILE: &str = "calendar.json";
/// An administrator's override of the violation catalog, read at start if present.
pub const CATALOG_FILE: &str = "catalog.json";

fn read(path: &Path, term: Term) -> Result<Option<String>, AppError> {
    if !path.exists() {
        return Ok(None);
    }
    std::fs::read_to_string(path).map(Some).map_err(|e| {
        AppError::invalid(MessageKey::FileReadFailed)
            .with("term", term)
            .with("path", path.display().to_string())
            .with("detail", e.to_string())
    })
}

/// The holiday calendar of this data folder: the embedded one, extended by `calendar.json`.
/// Reads only that file, so administrators can check a notice without opening the cache.
pub fn load_calendar(data_dir: &Path) -> Result<WorkingCalendar, AppError> {
    let mut calendar = WorkingCalendar::embedded();
    let path = data_dir.join(CALENDAR_FILE);
    if let Some(text) = read(&path, Term::HolidayFile)? {
        calendar.extend_from_json(&text).map_err(|e| {
            AppError::invalid(MessageKey::FileInvalid)
                .with("term", Term::HolidayFile)
                .with("path", path.display().to_string())
                .with("detail", e.to_string())
        })?;
    }
    Ok(calendar)
}

/// The violation catalog of this data folder: the embedded one, overridden by `catalog.json`.
pub fn load_catalog(data_dir: &Path) -> Result<Catalog, AppError> {
    let path = data_dir.join(CATALOG_FILE);
    match read(&path, Term::CatalogFile)? {
        None => Ok(Catalog::embedded().clone()),
        Some(text) => Catalog::embedded().with_override(&text).map_err(|e| {
            AppError::invalid(MessageKey::FileInvalid)
                .with("term", Term::CatalogFile)
                .with("path", path.display().to_string())
                .with("detail", e.to_string())
        }),
    }
}

#[cfg(test)]
mod export {
    //! Writes `ui/src/bindings/rules.ts`: the rules the window shows before the backend is asked
    //! (text limits, which states are finished, which return reasons need words, which methods
    //! 处置 records), taken from the domain so the window cannot state another rule.
    //! `scripts/test.sh` fails when the committed file differs, as for the ts-rs bindings.

    use casedesk_domain::{HandlingMethod, InterceptionOutcome, ReturnReason, Status, TextField};

    fn list<T: Copy>(items: &[T], code: impl Fn(T) -> &'static str) -> String {
        let quoted: Vec<String> = items.iter().map(|i| format!("\"{}\"", code(*i))).collect();
        format!("[{}]", quoted.join(", "))
    }

    #[test]
    fn export_rules() {
        let limits: Vec<String> = TextField::ALL
            .iter()
            .map(|f| format!("  {}: {},", f.code(), f.max_chars()))
            .collect();
        let finished: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| s.is_finished())
            .collect();
        let needs_text: Vec<ReturnReason> = ReturnReason::ALL
            .into_iter()
            .filter(|r| r.needs_text())
            .collect();
        let methods: Vec<HandlingMethod> = HandlingMethod::ALL
            .into_iter()
            .filter(|m| m.recorded_by_handle())
            .collect();
        // HandlingMethod's code is its serde name, as the window receives it.
        let methods: Vec<String> = methods
            .iter()
            .map(|m| serde_json::to_string(m).expect("a method serializes"))
            .collect();
        let methods = format!("[{}]", methods.join(", "));
        let evidence_kinds: Vec<String> = casedesk_store::ACCEPTED_KINDS
            .iter()
            .map(|k| {
                format!(
                    "  {{ mime: \"{}\", extensions: {}, photo: {} }},",
                    k.mime,
                    list(k.extensions, |e| e),
                    k.photo
                )
            })
            .collect();
        let text = format!(
            "// Generated from crates/domain by `cargo test -p casedesk-app`; do not edit.\n\
             import type {{ HandlingMethod }} from \"./HandlingMethod\";\n\
             import type {{ InterceptionOutcome }} from \"./InterceptionOutcome\";\n\
             import type {{ ReturnReason }} from \"./ReturnReason\";\n\
             import type {{ Status }} from \"./Status\";\n\
             import type {{ TextField }} from \"./TextField\";\n\n\
             /** Longest text each field accepts, in characters (TextField::max_chars). */\n\
             export const TEXT_LIMITS: Record<TextField, number> = {{\n{}\n}};\n\n\
             /** States in which an order no longer changes and runs no clock (Status::is_finished). */\n\
             export const FINISHED_STATUSES: readonly Status[] = {};\n\n\
             /** Why an officer returns an order, in the order offered (ReturnReason::ALL). */\n\
             export const RETURN_REASONS: readonly ReturnReason[] = {};\n\n\
             /** Return reasons that must be put in words (ReturnReason::needs_text). */\n\
             export const RETURN_REASONS_NEEDING_TEXT: readonly ReturnReason[] = {};\n\n\
             /** The methods 处置 records (HandlingMethod::recorded_by_handle). */\n\
             export const HANDLE_METHODS: readonly HandlingMethod[] = {};\n\n\
             /** How an interception ended (InterceptionOutcome::ALL). */\n\
             export const INTERCEPTION_OUTCOMES: readonly InterceptionOutcome[] = {};\n\n\
             /** The files the evidence store accepts (ACCEPTED_KINDS): the picker offers these only. */\n\
             export const EVIDENCE_KINDS: readonly {{ mime: string; extensions: readonly string[]; photo: boolean }}[] = [\n{}\n];\n\n\
             /** The largest evidence file accepted, in bytes (DEFAULT_MAX_BYTES). */\n\
             export const EVIDENCE_MAX_BYTES = {};\n",
            limits.join("\n"),
            list(&finished, Status::code),
            list(&ReturnReason::ALL, ReturnReason::code),
            list(&needs_text, ReturnReason::code),
            methods,
            list(&InterceptionOutcome::ALL, InterceptionOutcome::code),
            evidence_kinds.join("\n"),
            casedesk_store::evidence::DEFAULT_MAX_BYTES,
        );
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings/rules.ts");
        std::fs::write(&path, text).expect("write rules.ts");
    }
}
