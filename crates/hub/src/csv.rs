//! Reading CSV (RFC 4180) as the platform exports it: comma-separated, fields in double quotes
//! when they hold a comma, a quote (doubled) or a line break, LF or CRLF line ends, an optional
//! UTF-8 byte-order mark. Each row keeps the line it starts on, so a refusal can name it; a
//! malformed row is an error of that row alone, and the rows after it are still read.

/// One row: the line it starts on and its fields, or why it cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    pub line: u64,
    pub fields: Result<Vec<String>, String>,
}

/// Every non-blank row of `text`, the header included, in order.
pub fn rows(text: &str) -> Vec<CsvRow> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line: u64 = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut error: Option<String> = None;
        // Reads one row up to its line end (outside quotes).
        loop {
            match chars.next() {
                None => {
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                Some('\n') => {
                    line += 1;
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some(',') => fields.push(std::mem::take(&mut field)),
                Some('"') if field.is_empty() => {
                    // A quoted field: up to the closing quote; "" is one quote.
                    let mut closed = false;
                    while let Some(c) = chars.next() {
                        match c {
                            '"' if chars.peek() == Some(&'"') => {
                                chars.next();
                                field.push('"');
                            }
                            '"' => {
                                closed = true;
                                break;
                            }
                            '\n' => {
                                line += 1;
                                field.push('\n');
                            }
                            c => field.push(c),
                        }
                    }
                    if !closed {
                        error = Some("a quoted field is not closed".into());
                    } else if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                        error.get_or_insert_with(|| "text after a closing quote".into());
                    }
                }
                Some('"') => {
                    error.get_or_insert_with(|| "a quote inside an unquoted field".into());
                    field.push('"');
                }
                Some(c) => field.push(c),
            }
        }
        let blank = fields.len() == 1 && fields[0].trim().is_empty();
        if blank && error.is_none() {
            continue;
        }
        out.push(CsvRow {
            line: start,
            fields: match error {
                Some(e) => Err(e),
                None => Ok(fields),
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(row: &CsvRow) -> Vec<&str> {
        row.fields
            .as_ref()
            .expect("readable")
            .iter()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn quotes_line_ends_and_line_numbers() {
        let text = "\u{feff}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\nlines\",3\n4,bad\"quote,5\n6,7,8";
        let r = rows(text);
        assert_eq!(r.len(), 5);
        assert_eq!((r[0].line, ok(&r[0])), (1, vec!["a", "b", "c"]));
        assert_eq!((r[1].line, ok(&r[1])), (2, vec!["1", "x, y", "say \"hi\""]));
        assert_eq!((r[2].line, ok(&r[2])), (4, vec!["2", "two\nlines", "3"]));
        assert_eq!(r[3].line, 6);
        assert!(r[3].fields.is_err(), "a stray quote is an error of its row");
        assert_eq!((r[4].line, ok(&r[4])), (7, vec!["6", "7", "8"]));
    }

    #[test]
    fn an_unclosed_quote_is_an_error() {
        let r = rows("a,b\n1,\"open\n2,3\n");
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].line, 2);
        assert!(r[1].fields.is_err());
    }
}
