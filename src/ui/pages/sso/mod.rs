//! Single sign-on pages: the setup page of an organization (`setup`: the configuration with
//! test connection, the roles' group names and the groups mapped to nothing, the test bench),
//! and the choice of organization when an email domain signs in to several (`choose`).

pub mod choose;
mod configuration_form;
mod mapping;
pub mod setup;
mod test_bench;

const INPUT: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900";
const BUTTON: &str =
    "rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60";
const SECTION: &str =
    "space-y-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900";
