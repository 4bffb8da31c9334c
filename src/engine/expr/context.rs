//! Where an expression finds CEL's context when its plan cannot answer, and a context made
//! only then.
//!
//! Plans answer most expressions, and a whole run can pass without CEL evaluating anything:
//! building CEL's function table ([`super::environment`]) for every run was 0.19 M of the
//! 4.0 M instructions of a one-file check (callgrind, `fixtures/examples/instances/web.yaml`,
//! every rule). A [`LazyContext`] makes its context, and so the table, on first use.

use cel::Context;
use std::cell::OnceCell;

/// CEL's context for an expression: a [`Context`] as it is, or a [`LazyContext`].
pub trait CelContext {
    /// The context, made now if it was not yet.
    fn cel(&self) -> &Context<'_, '_>;
}

impl CelContext for Context<'_, '_> {
    fn cel(&self) -> &Context<'_, '_> {
        self
    }
}

/// A context made by `make` the first time an expression asks for it.
pub struct LazyContext<'c, 'v, F: Fn() -> Context<'c, 'v>> {
    context: OnceCell<Context<'c, 'v>>,
    make: F,
}

impl<'c, 'v, F: Fn() -> Context<'c, 'v>> LazyContext<'c, 'v, F> {
    pub const fn new(make: F) -> Self {
        Self { context: OnceCell::new(), make }
    }

    /// Whether the context has been made.
    #[cfg(test)]
    pub fn is_made(&self) -> bool {
        self.context.get().is_some()
    }
}

impl<'c, 'v, F: Fn() -> Context<'c, 'v>> CelContext for LazyContext<'c, 'v, F> {
    fn cel(&self) -> &Context<'_, '_> {
        self.context.get_or_init(&self.make)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_lazy_context_is_made_once_and_only_when_asked() {
        let made = Cell::new(0);
        let lazy = LazyContext::new(|| {
            made.set(made.get() + 1);
            let mut context = Context::default();
            context.add_variable_from_value("x", 1);
            context
        });
        assert!(!lazy.is_made());
        assert_eq!(made.get(), 0);
        let first =
            lazy.cel().get_variable("x").map(|v| v.as_ref().equals(&cel::common::types::CelInt::from(1)));
        assert_eq!(first, Some(true));
        let _ = lazy.cel();
        assert!(lazy.is_made());
        assert_eq!(made.get(), 1);
    }
}
