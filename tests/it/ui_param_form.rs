//! The parameter form: every parameter of the active model typed, checked as it is typed and
//! priced live; Enter applies it only when every value is valid, and the next job sends exactly
//! what it shows; Esc leaves the prompt as it was. Runway's catalogue models and Sora's size,
//! length and variants.

use crate::ui_services::{alt, on_runway};
use crate::ui_support as support;

use crossterm::event::{KeyCode, KeyModifiers};
use sora_core::engine::Command;
use sora_core::providers::{GenerationRequest, Size};
use sora_tui::app::keymap::KeyMap;
use sora_tui::app::{App, Effect, Msg};
use support::*;

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    press_with(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Open the form from the prompt (Ctrl-o).
fn open_form(app: &mut App) {
    assert!(ctrl(app, 'o').is_empty(), "opening the form sends nothing");
    assert_shows(&render(app, 140, 40), "Parameters · ");
}

/// Clear the focused field and type `text` into it.
fn retype(app: &mut App, text: &str) {
    ctrl(app, 'u');
    type_text(app, text);
}

/// Type a prompt and submit it: the one Generate request sent.
fn generate(app: &mut App) -> GenerationRequest {
    type_text(app, "a red fox");
    let sent = press(app, KeyCode::Enter);
    let sent = if sent.is_empty() && app.modal().is_some() {
        answer(app, KeyCode::Char('y'))
    } else {
        sent
    };
    match sent.as_slice() {
        [Effect::Engine(Command::Generate { request, .. })] => request.clone(),
        other => panic!("one Generate expected, got {other:?}"),
    }
}

fn notice(app: &App) -> String {
    app.notice().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn typed_numbers_and_free_text_are_what_the_next_job_sends() {
    let mut app = on_runway();
    open_form(&mut app);
    press(&mut app, KeyCode::Down); // ratio → duration
    retype(&mut app, "8");
    press(&mut app, KeyCode::Tab); // → seed
    type_text(&mut app, "42");
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "applying sends nothing"
    );
    assert_hides(&render(&app, 140, 40), "Parameters · ");
    assert!(
        notice(&app).contains("duration 8, seed 42"),
        "{}",
        notice(&app)
    );

    let request = generate(&mut app);
    assert_eq!(
        request.params,
        vec![
            ("duration".to_string(), "8".to_string()),
            ("seed".to_string(), "42".to_string()),
        ]
    );
    // The engine's own path reads them as the numbers the service gets.
    let model = app.prompt().model.clone().expect("a Runway model");
    let resolved = model.resolve(&request).expect("valid");
    assert_eq!(resolved.params.get("duration"), Some(&serde_json::json!(8)));
    assert_eq!(resolved.params.get("seed"), Some(&serde_json::json!(42)));

    // veo3.1 has a free-text parameter, which only the form can set.
    alt(&mut app, 'm');
    open_form(&mut app);
    for _ in 0..3 {
        press(&mut app, KeyCode::Down); // ratio → duration → audio → negativePrompt
    }
    // In free text the value keys move the cursor: there is nothing to step.
    assert_shows(&render(&app, 140, 40), "←/→ move in the text");
    type_text(&mut app, "blurry text");
    for _ in 0..5 {
        press(&mut app, KeyCode::Left);
    }
    type_text(&mut app, ",");
    press(&mut app, KeyCode::End);
    app.update(Msg::Paste(" watermarks\n".into()));
    press(&mut app, KeyCode::Enter);
    let request = generate(&mut app);
    assert_eq!(
        request.params,
        vec![
            (
                "negativePrompt".to_string(),
                "blurry, text watermarks ".to_string()
            ),
            // Kept from gen4.5; its duration 8 is veo3.1's default, so it is no change.
            ("seed".to_string(), "42".to_string()),
        ]
    );
}

#[test]
fn an_invalid_value_keeps_the_form_open_names_the_field_and_sends_nothing() {
    let mut app = on_runway();
    open_form(&mut app);
    press(&mut app, KeyCode::Down);
    retype(&mut app, "11");
    let screen = render(&app, 140, 40);
    assert_shows(&screen, "✗ not valid");
    assert_shows(&screen, "✗ valid: whole numbers from 2 to 10");

    press(&mut app, KeyCode::Down); // the refusal moves the focus back to the wrong field
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "nothing sent");
    let screen = render(&app, 140, 40);
    assert_shows(&screen, "Parameters · gen4.5");
    assert_shows(
        &screen,
        "✗ duration \"11\" is not valid; valid: whole numbers from 2 to 10",
    );
    assert!(app.notice_is_error());
    assert!(
        notice(&app).contains("Parameters not applied"),
        "{}",
        notice(&app)
    );
    assert!(
        app.prompt().params.is_empty(),
        "the prompt keeps its values"
    );

    // The focus is on duration again: typing there fixes it.
    retype(&mut app, "10");
    let screen = render(&app, 140, 40);
    assert_hides(&screen, "✗ duration");
    assert_hides(&screen, "✗ not valid");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        generate(&mut app).params,
        vec![("duration".into(), "10".into())]
    );
}

#[test]
fn esc_discards_the_forms_edits() {
    let mut app = on_runway();
    alt(&mut app, '.'); // ratio 720:1280 by the prompt's value key
    open_form(&mut app);
    press(&mut app, KeyCode::Right); // ratio back to 1280:720
    press(&mut app, KeyCode::Down);
    retype(&mut app, "9");
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_hides(&render(&app, 140, 40), "Parameters · ");
    assert_eq!(
        app.prompt().params,
        vec![("ratio".to_string(), "720:1280".to_string())]
    );
    // Opened again, it shows the prompt's values, not the discarded ones.
    open_form(&mut app);
    let screen = render(&app, 140, 40);
    assert_shows(&screen, "720:1280");
    assert_hides(&screen, " 9 ");
}

#[test]
fn a_value_equal_to_its_default_is_not_sent_as_changed() {
    let mut app = on_runway();
    press(&mut app, KeyCode::Down);
    alt(&mut app, '.'); // duration 6 by the prompt's value key
    assert_eq!(app.prompt().params, vec![("duration".into(), "6".into())]);
    open_form(&mut app);
    retype(&mut app, "5"); // the default
    assert_shows(&render(&app, 140, 40), "duration 5");
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().params.is_empty(), "{:?}", app.prompt().params);
    assert!(generate(&mut app).params.is_empty());

    // An emptied field is the default too. The form opens on the prompt's parameter.
    open_form(&mut app);
    ctrl(&mut app, 'u');
    assert_shows(&render(&app, 140, 40), "5 (default)");
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().params.is_empty());
}

#[test]
fn soras_size_length_and_variants_are_set_in_the_form() {
    let mut app = app();
    open_form(&mut app);
    let screen = render(&app, 140, 40);
    assert_shows(&screen, "Parameters · sora");
    assert_shows(&screen, "size");
    assert_shows(&screen, "whole numbers from 1 to 20 · default 5");
    press(&mut app, KeyCode::Right); // 480x480 → 480x854
    press(&mut app, KeyCode::Down);
    retype(&mut app, "10");
    press(&mut app, KeyCode::Down);
    retype(&mut app, "5");
    // 480x854 takes at most 4 variants: refused, with the limit at that size.
    press(&mut app, KeyCode::Enter);
    assert!(
        notice(&app).contains("variants \"5\" is not valid; valid: whole numbers from 1 to 4"),
        "{}",
        notice(&app)
    );
    retype(&mut app, "3");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.prompt().size, Size::new(480, 854));
    let request = generate(&mut app);
    assert_eq!(
        (request.size, request.seconds, request.variants),
        (Size::new(480, 854), 10, 3)
    );
}

#[test]
fn the_estimate_follows_the_typed_values() {
    let mut app = on_runway();
    open_form(&mut app);
    assert_shows(&render(&app, 140, 40), "Next job: ≈ 60 credits ($0.60)");
    press(&mut app, KeyCode::Down);
    retype(&mut app, "8");
    assert_shows(&render(&app, 140, 40), "Next job: ≈ 96 credits ($0.96)");
    retype(&mut app, "1");
    assert_shows(
        &render(&app, 140, 40),
        "Next job: no estimate while duration is not valid",
    );

    let mut sora = support::app();
    open_form(&mut sora);
    assert_shows(&render(&sora, 140, 40), "Next job: ≈ $0.50");
    press(&mut sora, KeyCode::Down);
    press(&mut sora, KeyCode::Right); // 6 s
    press(&mut sora, KeyCode::Down);
    retype(&mut sora, "2");
    assert_shows(&render(&sora, 140, 40), "Next job: ≈ $1.20");
}

#[test]
fn the_forms_keys_are_data_listed_in_the_help_and_remappable() {
    let mut app = on_runway();
    assert_shows(&render(&app, 140, 40), "Ctrl-o/Alt-o parameter form");
    open_form(&mut app);
    press(&mut app, KeyCode::F(1));
    let help = render(&app, 140, 60);
    assert_shows(&help, "Parameter form");
    assert_shows(&help, "apply to the next job (when every value is valid)");
    assert_shows(&help, "discard the form's edits");

    let overrides = vec![
        (
            "form.apply_parameters".to_string(),
            vec!["Ctrl-s".to_string()],
        ),
        ("form.next_field".to_string(), vec!["Tab".to_string()]),
        ("browse.edit_parameters".to_string(), vec!["O".to_string()]),
    ];
    let keymap = KeyMap::with_overrides(&overrides, None).expect("valid keys");
    let mut settings = support::settings();
    settings.keymap = keymap;
    let mut app = App::new(settings);
    clock(&mut app, 0.0);
    press(&mut app, KeyCode::Esc); // leave the prompt: the browse key opens it from a panel
    press_with(&mut app, KeyCode::Char('O'), KeyModifiers::SHIFT);
    assert_shows(&render(&app, 140, 40), "Parameters · sora");
    press(&mut app, KeyCode::Tab); // → seconds
    retype(&mut app, "7");
    press(&mut app, KeyCode::Enter); // no longer the form's key
    assert_eq!(app.prompt().seconds, 5);
    ctrl(&mut app, 's');
    assert_eq!(app.prompt().seconds, 7);
    assert_hides(&render(&app, 140, 40), "Parameters · ");
}
