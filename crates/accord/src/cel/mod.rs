//! The agreement's conditions, in CEL, behind a narrow wrapper: the `cel`
//! crate is pinned (an upgrade could change how a condition evaluates, and
//! every party must get the same answer), and only what an agreement needs is
//! exposed: compile, list the names used, evaluate to a boolean over plain
//! data. No function reads the clock or anything else outside its inputs.

use std::collections::BTreeSet;

/// A compiled condition.
pub struct Condition {
    source: String,
    program: cel::Program,
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Condition({:?})", self.source)
    }
}

/// Why a condition did not compile or evaluate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CelError {
    #[error("{message}")]
    Syntax {
        message: String,
        /// Byte offset of the problem in the condition's text, when known.
        offset: Option<usize>,
    },
    #[error("{0}")]
    Evaluation(String),
    #[error("the condition gives {0}, not true or false")]
    NotBoolean(String),
}

/// The longest condition accepted, in bytes. The `cel` crate parses,
/// checks and evaluates by recursion, a level for every operator in a
/// chain (`a + 1 + 1 …`, `a.b.c …`), about 1.6 KB of stack each in a
/// release build: 1,400 levels overflow a thread's 2 MiB, and 100,000
/// (a condition of 400 KB) the main thread's 8 MiB, aborting the process.
/// At most 512 levels fit in this length; the longest condition in the
/// Ukraine example is 93 bytes.
pub const MAX_CONDITION_BYTES: usize = 1024;

impl Condition {
    pub fn compile(source: &str) -> Result<Condition, CelError> {
        if source.trim().is_empty() {
            return Err(CelError::Syntax {
                message: "the condition is empty".into(),
                offset: Some(0),
            });
        }
        if source.len() > MAX_CONDITION_BYTES {
            return Err(CelError::Syntax {
                message: format!(
                    "it is {} bytes long; a condition may be at most {MAX_CONDITION_BYTES}",
                    source.len()
                ),
                offset: Some(MAX_CONDITION_BYTES),
            });
        }
        // The parser can panic on some malformed input; a condition is
        // user input, so a panic is turned into an error.
        let result = std::panic::catch_unwind(|| cel::Program::compile(source));
        match result {
            Ok(Ok(program)) => Ok(Condition {
                source: source.to_string(),
                program,
            }),
            Ok(Err(errs)) => {
                let first = errs.errors.first();
                let message = first
                    .map(|e| e.msg.clone())
                    .unwrap_or_else(|| "syntax error".into());
                let offset = first.and_then(|e| offset_of(source, e.pos.0, e.pos.1));
                Err(CelError::Syntax { message, offset })
            }
            Err(_) => Err(CelError::Syntax {
                message: "the condition could not be parsed".into(),
                offset: None,
            }),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The top-level names the condition reads (`violations`, `clauses`, …).
    pub fn variables(&self) -> BTreeSet<String> {
        self.program
            .references()
            .variables()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// The functions it calls, operators included (`_==_`, `size`, …).
    pub fn functions(&self) -> BTreeSet<String> {
        self.program
            .references()
            .functions()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// Evaluates the condition with `vars` (a JSON object of top-level names).
    pub fn eval(
        &self,
        vars: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<bool, CelError> {
        self.eval_vars(&Vars::new(vars))
    }

    /// Evaluates the condition with variables converted beforehand.
    pub fn eval_vars(&self, vars: &Vars) -> Result<bool, CelError> {
        // The standard library's context is costly to build (it registers
        // every function): build it once per thread, and give each
        // evaluation a scope of its own above it.
        thread_local! {
            static ROOT: cel::Context<'static, 'static> = cel::Context::default();
        }
        let result = ROOT.with(|root| {
            let mut ctx = root.new_inner_scope();
            for (k, v) in &vars.0 {
                ctx.add_variable_from_value(k.clone(), v.clone());
            }
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.program.execute(&ctx)))
        });
        match result {
            Ok(Ok(cel::Value::Bool(b))) => Ok(b),
            Ok(Ok(other)) => Err(CelError::NotBoolean(format!("{other:?}"))),
            Ok(Err(e)) => Err(CelError::Evaluation(e.to_string())),
            Err(_) => Err(CelError::Evaluation("evaluation failed".into())),
        }
    }
}

/// Variables for conditions, converted to CEL's values once for any number
/// of evaluations (converting a status's worth of JSON costs more than most
/// conditions do).
pub struct Vars(Vec<(String, cel::Value)>);

impl Vars {
    pub fn new(vars: &serde_json::Map<String, serde_json::Value>) -> Vars {
        Vars(vars.iter().map(|(k, v)| (k.clone(), to_cel(v))).collect())
    }

    /// Sets one variable anew.
    pub fn set(&mut self, name: &str, value: &serde_json::Value) {
        let value = to_cel(value);
        match self.0.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.0.push((name.to_string(), value)),
        }
    }
}

/// JSON to CEL values. Every whole number becomes a CEL `int`, so that
/// counts compare and add with literals such as `0` (CEL has no implicit
/// conversion between `int` and `uint`).
fn to_cel(v: &serde_json::Value) -> cel::Value {
    use std::collections::HashMap;
    use std::sync::Arc;
    match v {
        serde_json::Value::Null => cel::Value::Null,
        serde_json::Value::Bool(b) => cel::Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => cel::Value::Int(i),
            None => cel::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => cel::Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(a) => cel::Value::List(Arc::new(a.iter().map(to_cel).collect())),
        serde_json::Value::Object(o) => {
            let m: HashMap<cel::objects::Key, cel::Value> = o
                .iter()
                .map(|(k, v)| (cel::objects::Key::String(Arc::new(k.clone())), to_cel(v)))
                .collect();
            cel::Value::Map(cel::objects::Map::from(m))
        }
    }
}

mod reads;
pub mod types;

pub use reads::ClauseReads;

/// Byte offset of a 1-based (line, column) in `source`.
fn offset_of(source: &str, line: isize, column: isize) -> Option<usize> {
    if line < 1 || column < 1 {
        return None;
    }
    let mut at = 0;
    for (i, l) in source.split('\n').enumerate() {
        if i + 1 == line as usize {
            let col = (column - 1) as usize;
            let byte = l.char_indices().nth(col).map(|(b, _)| b).unwrap_or(l.len());
            return Some(at + byte);
        }
        at += l.len() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_lists_names_and_evaluates() {
        let c = Condition::compile("violations == 0 && day >= 14").unwrap();
        assert_eq!(
            c.variables(),
            ["day", "violations"]
                .into_iter()
                .map(String::from)
                .collect()
        );
        let vars = serde_json::json!({"violations": 0, "day": 20})
            .as_object()
            .unwrap()
            .clone();
        assert!(c.eval(&vars).unwrap());
        let vars = serde_json::json!({"violations": 3, "day": 20})
            .as_object()
            .unwrap()
            .clone();
        assert!(!c.eval(&vars).unwrap());
    }

    #[test]
    fn errors_are_reported_not_panicked() {
        assert!(matches!(
            Condition::compile("violations == "),
            Err(CelError::Syntax { .. })
        ));
        assert!(matches!(
            Condition::compile(""),
            Err(CelError::Syntax { .. })
        ));
        let c = Condition::compile("violations + 1").unwrap();
        let vars = serde_json::json!({"violations": 0})
            .as_object()
            .unwrap()
            .clone();
        assert!(matches!(c.eval(&vars), Err(CelError::NotBoolean(_))));
        let c = Condition::compile("violations == 'x'").unwrap();
        assert!(c.eval(&vars).is_err() || !c.eval(&vars).unwrap());
    }

    #[test]
    fn a_condition_too_long_to_parse_safely_is_refused() {
        // 100,000 additions, which the parser would follow into a stack
        // overflow.
        let long = format!("violations{} == 0", " + 1".repeat(100_000));
        match Condition::compile(&long) {
            Err(CelError::Syntax { message, offset }) => {
                assert_eq!(
                    message,
                    "it is 400015 bytes long; a condition may be at most 1024"
                );
                assert_eq!(offset, Some(1024));
            }
            other => panic!("{other:?}"),
        }
    }
}
