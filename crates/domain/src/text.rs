//! What a typed text must be before it is kept: not blank (invisible characters count as
//! blank), within its field's length, and free of control characters (a pasted NUL or escape
//! sequence would be stored and shown to the next reader, or break an export).

use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

/// Every free-text field the rules accept, with its limit in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TextField {
    Result,
    Notes,
    Requirement,
    Description,
    Reason,
    ToUnit,
    Authority,
    Content,
    Feedback,
    Finding,
    UserName,
    Owner,
    EventName,
    Place,
    /// The name a saved filter (常用筛选) is kept under.
    FilterName,
}

impl TextField {
    pub const ALL: [TextField; 15] = [
        TextField::Result,
        TextField::Notes,
        TextField::Requirement,
        TextField::Description,
        TextField::Reason,
        TextField::ToUnit,
        TextField::Authority,
        TextField::Content,
        TextField::Feedback,
        TextField::Finding,
        TextField::UserName,
        TextField::Owner,
        TextField::EventName,
        TextField::Place,
        TextField::FilterName,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TextField::Result => "result",
            TextField::Notes => "notes",
            TextField::Requirement => "requirement",
            TextField::Description => "description",
            TextField::Reason => "reason",
            TextField::ToUnit => "to_unit",
            TextField::Authority => "authority",
            TextField::Content => "content",
            TextField::Feedback => "feedback",
            TextField::Finding => "finding",
            TextField::UserName => "user_name",
            TextField::Owner => "owner",
            TextField::EventName => "event_name",
            TextField::Place => "place",
            TextField::FilterName => "filter_name",
        }
    }

    /// Longest accepted text, in characters (stated next to the field in the window).
    pub fn max_chars(self) -> usize {
        match self {
            TextField::UserName | TextField::FilterName => 40,
            TextField::ToUnit | TextField::Authority | TextField::Owner | TextField::EventName => {
                100
            }
            TextField::Place => 200,
            TextField::Result | TextField::Reason => 500,
            TextField::Requirement | TextField::Finding => 1000,
            TextField::Notes
            | TextField::Description
            | TextField::Content
            | TextField::Feedback => 2000,
        }
    }

    /// Fields of one line: a line break in them is refused like any control character.
    fn single_line(self) -> bool {
        matches!(
            self,
            TextField::UserName
                | TextField::ToUnit
                | TextField::Authority
                | TextField::Owner
                | TextField::EventName
                | TextField::Place
                | TextField::FilterName
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextError {
    #[error("{} must not be empty", field.code())]
    Empty { field: TextField },
    #[error("{} is {len} characters long, over the limit of {max}", field.code())]
    TooLong {
        field: TextField,
        len: usize,
        max: usize,
    },
    #[error("{} contains a control character (U+{code:04X})", field.code())]
    ControlCharacter { field: TextField, code: u32 },
}

/// Characters that draw nothing: a text made only of them is blank.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}' | '\u{00AD}'
        )
}

/// The text as it will be kept (trimmed of blank and invisible characters at both ends), or
/// why it is refused. Empty optional fields are checked with [`optional`].
pub fn required(field: TextField, value: &str) -> Result<String, TextError> {
    let trimmed = value.trim_matches(invisible);
    if trimmed.is_empty() {
        return Err(TextError::Empty { field });
    }
    checked(field, trimmed)
}

/// Like [`required`], but blank is accepted (as an empty string).
pub fn optional(field: TextField, value: &str) -> Result<String, TextError> {
    let trimmed = value.trim_matches(invisible);
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    checked(field, trimmed)
}

fn checked(field: TextField, text: &str) -> Result<String, TextError> {
    for c in text.chars() {
        let allowed_break = !field.single_line() && matches!(c, '\n' | '\t' | '\r');
        if c.is_control() && !allowed_break {
            return Err(TextError::ControlCharacter {
                field,
                code: c as u32,
            });
        }
    }
    let len = text.chars().count();
    if len > field.max_chars() {
        return Err(TextError::TooLong {
            field,
            len,
            max: field.max_chars(),
        });
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_invisible_texts_are_empty() {
        for v in ["", "  ", "\u{3000}\u{200B}", "\u{FEFF}\n"] {
            assert_eq!(
                required(TextField::Reason, v),
                Err(TextError::Empty {
                    field: TextField::Reason
                }),
                "{v:?}"
            );
            assert_eq!(optional(TextField::Notes, v), Ok(String::new()));
        }
        assert_eq!(
            required(TextField::Reason, " 非本辖区\u{200B} ").as_deref(),
            Ok("非本辖区")
        );
    }

    #[test]
    fn control_characters_and_long_texts_are_refused() {
        assert!(matches!(
            required(TextField::Notes, "a\u{0}b"),
            Err(TextError::ControlCharacter { code: 0, .. })
        ));
        assert!(matches!(
            required(TextField::UserName, "张\n伟"),
            Err(TextError::ControlCharacter { code: 10, .. })
        ));
        assert_eq!(
            required(TextField::Notes, "第一行\n第二行").as_deref(),
            Ok("第一行\n第二行")
        );
        let long = "字".repeat(41);
        assert!(matches!(
            required(TextField::UserName, &long),
            Err(TextError::TooLong {
                len: 41,
                max: 40,
                ..
            })
        ));
        assert!(required(TextField::UserName, &"字".repeat(40)).is_ok());
    }
}
