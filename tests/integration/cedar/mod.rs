//! Warden and Cedar agree: the same organization tree (access flags included), roles, policies
//! (deny statements included) and grants, asked 10,000 random questions, answer alike.

pub mod model;

use model::{CedarSide, Model, WardenSide};
use warden::domain::authz::Reason;

#[test]
fn warden_and_cedar_agree_on_ten_thousand_questions() {
    let model = Model::random(7, 300, 40, 200);
    // Each question goes to Cedar with its principal's policies only (a policy of a grant the
    // principal lacks cannot apply), and the first 500 also with the whole policy set.
    let (warden, cedar, whole) = (WardenSide::new(&model), CedarSide::sliced(&model), CedarSide::new(&model));
    let questions = model.questions(11, 10_000);
    let (mut allowed, mut denied_by_statement, mut cut_by_a_flag, mut whole_checked) = (0, 0, 0, 0);
    for question in &questions {
        let decision = warden.decision(question);
        match &decision.reason {
            Reason::DeniedByStatement { .. } => denied_by_statement += 1,
            Reason::NoAllowingRole { blocked: Some(_) } => cut_by_a_flag += 1,
            _ => {}
        }
        let answer = decision.allowed;
        assert_eq!(
            answer,
            cedar.decide(question),
            "user u{} asks {} at o{}: Warden says {answer}",
            question.user,
            question.permission,
            question.org
        );
        if whole_checked < 500 {
            assert_eq!(answer, whole.decide(question), "the whole policy set answers alike");
            whole_checked += 1;
        }
        allowed += usize::from(answer);
    }
    // Every kind of answer occurs often enough for the agreement to mean something.
    println!(
        "{allowed} of {} allowed, {denied_by_statement} denied by a statement, {cut_by_a_flag} cut off by a flag; {} Cedar policies",
        questions.len(),
        whole.policy_count()
    );
    assert!(allowed > 500 && allowed < 9_500, "{allowed} allowed");
    assert!(denied_by_statement > 100, "{denied_by_statement} denied by a statement");
    assert!(cut_by_a_flag > 100, "{cut_by_a_flag} cut off by a flag");
}
