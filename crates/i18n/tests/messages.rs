//! The message files: every language has the same messages, each with the
//! same attributes and the same variables, every file parses, and each id
//! is named after its domain (so two domains cannot collide).

use std::collections::{BTreeMap, BTreeSet};

use accord_i18n::{Lang, Messages, sources};
use fluent_syntax::ast;

/// A message or term, with its attributes and the variables it reads.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    attributes: BTreeSet<String>,
    variables: BTreeSet<String>,
}

fn variables_of_pattern(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            variables_of_expression(expression, out);
        }
    }
}

fn variables_of_expression(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            variables_of_inline(selector, out);
            for variant in variants {
                variables_of_pattern(&variant.value, out);
            }
        }
        ast::Expression::Inline(inline) => variables_of_inline(inline, out),
    }
}

fn variables_of_inline(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                variables_of_inline(argument, out);
            }
            for argument in &arguments.named {
                variables_of_inline(&argument.value, out);
            }
        }
        ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for argument in &arguments.named {
                variables_of_inline(&argument.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => variables_of_expression(expression, out),
        _ => {}
    }
}

/// Every message of a language, by id ("-term" for terms), with its shape.
fn shapes(lang: Lang) -> BTreeMap<String, Shape> {
    let mut shapes = BTreeMap::new();
    for (domain, source) in sources(lang) {
        let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| {
            panic!("locales/{lang}/{domain}.ftl does not parse: {errors:#?}")
        });
        for entry in &resource.body {
            let (id, value, attributes) = match entry {
                ast::Entry::Message(m) => (m.id.name.to_owned(), m.value.as_ref(), &m.attributes),
                ast::Entry::Term(t) => (format!("-{}", t.id.name), Some(&t.value), &t.attributes),
                ast::Entry::Junk { content } => {
                    panic!("locales/{lang}/{domain}.ftl: junk {content:?}")
                }
                _ => continue,
            };
            let bare = id.trim_start_matches('-');
            assert!(
                bare.starts_with(&format!("{domain}-")),
                "locales/{lang}/{domain}.ftl: {id} should start with {domain}-"
            );
            let mut variables = BTreeSet::new();
            if let Some(value) = value {
                variables_of_pattern(value, &mut variables);
            }
            let mut attribute_names = BTreeSet::new();
            for attribute in attributes {
                attribute_names.insert(attribute.id.name.to_owned());
                variables_of_pattern(&attribute.value, &mut variables);
            }
            let previous = shapes.insert(
                id.clone(),
                Shape {
                    attributes: attribute_names,
                    variables,
                },
            );
            assert!(previous.is_none(), "locales/{lang}: {id} is defined twice");
        }
    }
    shapes
}

#[test]
fn every_language_has_the_same_messages_with_the_same_variables() {
    let english = shapes(Lang::En);
    assert!(
        english.len() > 20,
        "the English files have {} messages",
        english.len()
    );
    for lang in [Lang::Uk, Lang::Ru] {
        let other = shapes(lang);
        let missing: Vec<_> = english
            .keys()
            .filter(|id| !other.contains_key(*id))
            .collect();
        let extra: Vec<_> = other
            .keys()
            .filter(|id| !english.contains_key(*id))
            .collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{lang} has messages English lacks: {extra:?}"
        );
        for (id, shape) in &english {
            assert_eq!(&other[id], shape, "{id} differs between en and {lang}");
        }
    }
}

#[test]
fn every_message_renders_in_every_language_without_a_missing_marker() {
    for lang in Lang::ALL {
        let messages = Messages::get(lang);
        for id in shapes(lang).keys().filter(|id| !id.starts_with('-')) {
            assert!(messages.has(id), "{lang}: {id}");
            assert!(!messages.plain(id).contains('⟦'), "{lang}: {id}");
        }
    }
}

#[test]
fn a_missing_message_is_visible() {
    let en = Messages::get(Lang::En);
    assert_eq!(en.plain("no-such-message"), "⟦no-such-message⟧");
    assert_eq!(
        en.plain("common-violations.no-such-attribute"),
        "⟦common-violations.no-such-attribute⟧"
    );
}
