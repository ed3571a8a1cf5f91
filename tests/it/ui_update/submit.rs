//! Submitting prompts: the request a typed prompt and its parameters make, empty and pasted
//! multi-line prompts, and the question before more than one job or variant.

use super::*;

#[test]
fn enter_submits_the_typed_prompt_with_current_parameters_and_a_fresh_key() {
    let mut app = app();
    type_text(&mut app, "a red fox running through snow");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::Generate {
            key: JobKey(1),
            request: GenerationRequest {
                prompt: "a red fox running through snow".to_string(),
                size: Size::new(480, 480),
                seconds: 5,
                variants: 1,
                image: None,
                params: Vec::new(),
            },
            upload: false,
            via: None,
        })]
    );
    assert_eq!(app.prompt().text(), "", "the input is cleared after submit");
    assert_eq!(
        app.jobs().rows.len(),
        1,
        "the job shows in the timeline at once"
    );

    wait(&mut app, 5.0); // someone typing the next prompt
    type_text(&mut app, "second");
    let second = press(&mut app, KeyCode::Enter);
    let [Effect::Engine(Command::Generate { key, .. })] = second.as_slice() else {
        panic!("expected one Generate, got {second:?}");
    };
    assert_eq!(*key, JobKey(2), "each submit gets a new key");
}

#[test]
fn auto_upload_setting_is_passed_to_generate() {
    let mut settings = settings();
    settings.auto_upload = true;
    let mut app = sora_tui::app::App::new(settings);
    type_text(&mut app, "waves");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        commands.as_slice(),
        [Effect::Engine(Command::Generate { upload: true, .. })]
    ));
}

#[test]
fn empty_prompt_submits_nothing_and_says_why() {
    let mut app = app();
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    type_text(&mut app, "   ");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    let notice = app.notice().expect("a message explains the refusal");
    assert_eq!(notice.level, NoticeLevel::Error);
    assert!(notice.text.contains("empty"), "{}", notice.text);
    assert!(app.jobs().rows.is_empty());
}

#[test]
fn parameter_keys_step_through_allowed_values_and_reach_the_request() {
    let mut app = app();
    let allowed = settings().allowed_sizes();
    press_with(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    assert_eq!(app.prompt().size, allowed[1]);
    press(&mut app, KeyCode::F(2));
    assert_eq!(app.prompt().size, allowed[2]);
    for _ in 0..allowed.len() {
        press(&mut app, KeyCode::F(2));
        assert!(
            allowed.contains(&app.prompt().size),
            "sizes stay in the allowed list"
        );
    }
    assert_eq!(app.prompt().size, allowed[2], "a full cycle comes back");
    // Alt-S (terminals send it with or without Shift) goes back.
    press_with(
        &mut app,
        KeyCode::Char('S'),
        KeyModifiers::ALT | KeyModifiers::SHIFT,
    );
    assert_eq!(app.prompt().size, allowed[1]);

    press(&mut app, KeyCode::F(3));
    press_with(&mut app, KeyCode::Char('d'), KeyModifiers::ALT);
    assert_eq!(app.prompt().seconds, 7);
    press_with(&mut app, KeyCode::F(3), KeyModifiers::SHIFT);
    assert_eq!(app.prompt().seconds, 6);
    for _ in 0..40 {
        press(&mut app, KeyCode::F(3));
        assert!((1..=20).contains(&app.prompt().seconds));
    }
    // "Longer" stops at the longest and says so: a wrap to 1 s would read as a mistake.
    assert_eq!(app.prompt().seconds, 20);
    assert!(
        notice_text(&app).contains("20 s is the longest"),
        "{}",
        notice_text(&app)
    );

    assert_eq!(app.prompt().size, Size::new(480, 854));
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.prompt().variants, 2);
    press_with(&mut app, KeyCode::Char('v'), KeyModifiers::ALT);
    press_with(&mut app, KeyCode::Char('v'), KeyModifiers::ALT);
    assert_eq!(app.prompt().variants, 4);
    press_with(&mut app, KeyCode::Char('v'), KeyModifiers::ALT);
    assert_eq!(
        app.prompt().variants,
        4,
        "stops at the size's limit (4 at 480x854)"
    );
    assert!(notice_text(&app).contains("4 variant(s) is the most at 480x854"));
    press_with(&mut app, KeyCode::Char('V'), KeyModifiers::ALT);
    assert_eq!(app.prompt().variants, 3);
    // Moving to a 1080p size, where one variant is the limit, pulls the count down, and says so.
    step_to_size(&mut app, Size::new(1080, 1080));
    assert_eq!(app.prompt().variants, 1);
    assert!(
        notice_text(&app).contains("1080x1080 takes at most 1 variant(s): variants 2 → 1"),
        "{}",
        notice_text(&app)
    );

    assert_eq!(app.prompt().text(), "", "parameter keys type nothing");
    step_to_size(&mut app, Size::new(480, 854));
    type_text(&mut app, "x");
    let commands = press(&mut app, KeyCode::Enter);
    let [Effect::Engine(Command::Generate { request, .. })] = commands.as_slice() else {
        panic!("expected one Generate, got {commands:?}");
    };
    assert_eq!(request.size, allowed[1]);
    assert_eq!(request.seconds, app.prompt().seconds);
}

/// Press the size key until `size` is selected (at most one full cycle).
fn step_to_size(app: &mut sora_tui::app::App, size: Size) {
    for _ in 0..20 {
        if app.prompt().size == size {
            return;
        }
        press(app, KeyCode::F(2));
    }
    panic!("{size} is not reachable with the size key");
}

#[test]
fn a_sora_2_profile_steps_through_its_own_lengths_and_sizes() {
    let mut s = settings();
    s.profile =
        sora_core::providers::ModelProfile::sora_2(&sora_core::providers::Pricing::default());
    s.default_size = Size::new(720, 1280);
    s.default_seconds = 4;
    let mut app = sora_tui::app::App::new(s);
    let mut seen = vec![];
    for _ in 0..4 {
        press(&mut app, KeyCode::F(3));
        seen.push(app.prompt().seconds);
    }
    assert_eq!(seen, vec![8, 12, 12, 12], "4, 8, 12, and 12 is the longest");
    press_with(&mut app, KeyCode::F(3), KeyModifiers::SHIFT);
    assert_eq!(app.prompt().seconds, 8);
    press(&mut app, KeyCode::F(2));
    assert_eq!(app.prompt().size, Size::new(1280, 720));
    press(&mut app, KeyCode::F(2));
    assert_eq!(app.prompt().size, Size::new(720, 1280));
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.prompt().variants, 1, "one video per job");
}

#[test]
fn a_pasted_multi_line_prompt_is_one_prompt_and_one_job() {
    let mut app = app();
    app.update(sora_tui::app::Msg::Paste(
        "a fox\r\nin the snow\nat dawn\n".into(),
    ));
    assert_eq!(
        app.prompt().text(),
        "a fox\nin the snow\nat dawn\n",
        "each line break (CRLF too) is a line of the prompt, not an Enter"
    );
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(commands.as_slice(), [Effect::Engine(Command::Generate { request, .. })] if request.prompt == "a fox\nin the snow\nat dawn"),
        "{commands:?}"
    );
}

#[test]
fn a_paste_over_a_panel_goes_into_the_prompt_and_sends_nothing() {
    let mut app = app();
    press(&mut app, KeyCode::Tab); // the jobs panel
    let sent = app.update(sora_tui::app::Msg::Paste("a fox\nat dawn".into()));
    assert!(sent.is_empty(), "a paste sends nothing: {sent:?}");
    assert_eq!(app.prompt().text(), "a fox\nat dawn");
    assert_eq!(app.focus(), sora_tui::app::Focus::Prompt);
    assert!(notice_text(&app).contains("Pasted into the prompt"));
    // Over the help, nothing takes it, and the user is told.
    press(&mut app, KeyCode::F(1));
    app.update(sora_tui::app::Msg::Paste("more".into()));
    assert_eq!(app.prompt().text(), "a fox\nat dawn");
    assert!(notice_text(&app).contains("paste was dropped"));
}

#[test]
fn lines_arriving_as_enter_presses_start_one_job_and_ask_before_the_next() {
    // A terminal without bracketed paste types pasted lines, each line break an Enter.
    let mut app = app();
    let mut sent = Vec::new();
    for line in ["a fox", "in the snow", "at dawn"] {
        for c in line.chars() {
            sent.extend(press(&mut app, KeyCode::Char(c)));
        }
        sent.extend(press(&mut app, KeyCode::Enter));
    }
    assert_eq!(sent.len(), 1, "one job, not one per line: {sent:?}");
    assert_shows(
        &render(&app, 160, 40),
        "Send \"in the snow\" as another paid job",
    );
    // Read, then decline: nothing more is sent, and the line waits in the prompt.
    assert!(answer(&mut app, KeyCode::Char('n')).is_empty());
    assert_eq!(app.prompt().text(), "in the snow");
    assert_eq!(app.jobs().rows.len(), 1);
    // A deliberate Enter later is a new job as usual.
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(commands.as_slice(), [Effect::Engine(Command::Generate { request, .. })] if request.prompt == "in the snow"),
        "{commands:?}"
    );
}

#[test]
fn more_than_one_variant_asks_first_and_only_y_sends() {
    let mut app = app();
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.prompt().variants, 2);
    type_text(&mut app, "two foxes");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "asks first");
    assert_shows(
        &render(&app, 160, 40),
        "Generate 2 paid videos (2 variants of 5 s at 480x480, estimated $1.00)?",
    );
    assert!(
        answer(&mut app, KeyCode::Enter).is_empty(),
        "Enter is the safe answer"
    );
    assert_eq!(app.prompt().text(), "two foxes", "the prompt is kept");
    assert!(app.jobs().rows.is_empty(), "no job");

    press(&mut app, KeyCode::Enter);
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(commands.as_slice(), [Effect::Engine(Command::Generate { request, .. })] if request.variants == 2),
        "{commands:?}"
    );
    assert_eq!(app.prompt().text(), "", "sent: the prompt is cleared");
}
