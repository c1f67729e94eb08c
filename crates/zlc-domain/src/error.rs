//! Validation errors that name the field, in Chinese.

use std::fmt;

/// 字段校验错误 a value that failed validation, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the client sent it (`name`, `unit_id`, `row 3 / 事项名称`…).
    pub field: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "字段 {}：{}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// Collects every field error of one input, so the user sees all of them at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Records the error of a parse step and returns its value, if any.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), Errors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<FieldError> for Errors {
    fn from(e: FieldError) -> Self {
        Errors(vec![e])
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("；"))
    }
}

impl std::error::Error for Errors {}

/// Checks a required text field: trimmed, not empty, at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    optional_text(field, value, max)?.ok_or_else(|| FieldError::new(field, "不能为空"))
}

/// The invisible marks that turn text around on screen (U+202E makes
/// `exe.txt` read `txt.exe`): never part of a name people meant to type.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Checks an optional text field: bidirectional overrides taken out, empty
/// becomes `None`; at most `max` characters.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    let cleaned: String = value.chars().filter(|c| !is_bidi_control(*c)).collect();
    let v = cleaned.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let n = v.chars().count();
    if n > max {
        return Err(FieldError::new(
            field,
            format!("长度为 {n} 个字符，超过上限 {max}"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldError::new(field, "含有不可见的控制字符"));
    }
    Ok(Some(v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_trims_and_bounds_length_in_characters() {
        assert_eq!(text("name", "  区科技局 ", 10).as_deref(), Ok("区科技局"));
        let e = text("name", &"局".repeat(11), 10).unwrap_err();
        assert_eq!(e.field, "name");
        assert!(e.message.contains("超过上限 10"), "{}", e.message);
        assert_eq!(text("name", "   ", 10).unwrap_err().message, "不能为空");
        assert_eq!(optional_text("note", "", 10), Ok(None));
        assert!(optional_text("note", "a\u{0}b", 10).is_err());
    }

    #[test]
    fn bidirectional_overrides_are_taken_out_of_names() {
        assert_eq!(
            text("name", "报告\u{202E}fdp.exe", 20).as_deref(),
            Ok("报告fdp.exe")
        );
        assert_eq!(
            text("name", "\u{2066}\u{202E}", 20).unwrap_err().message,
            "不能为空"
        );
    }

    #[test]
    fn errors_collect_and_display_all_fields() {
        let mut errs = Errors::default();
        assert_eq!(errs.take(text("a", "x", 5)), Some("x".to_string()));
        assert_eq!(errs.take(text("b", "", 5)), None);
        errs.push("c", "无效");
        assert_eq!(errs.0.len(), 2);
        assert_eq!(errs.to_string(), "字段 b：不能为空；字段 c：无效");
        assert!(errs.into_result().is_err());
    }
}
