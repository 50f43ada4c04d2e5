## `accord status`: стан угоди для читача (accord_engine::text).

status-agreement = угода { $hash }
status-log = журнал: { $size ->
    [one] { $size } запис
    [few] { $size } записи
    [many] { $size } записів
   *[other] { $size } запису
}; годинник { $clock }
status-amended = зі змінами: версія { $version } ({ $hash }) діє із запису { $from } ({ $since })
status-not-applied = НЕ ЗАСТОСОВАНО: зміна в записі { $entry } до { $hash }: { $why }
status-adopted = ухвалено: { $time } (запис { $entry })
status-adopted-not-yet = ухвалено: ще ні
status-reporting-period = звітний період: { $current } (останній завершений: { $last })

status-heading-phase = ЕТАП
status-heading-relief = ПОСЛАБЛЕННЯ САНКЦІЙ
status-heading-guarantees = ГАРАНТІЇ
status-heading-compliance = ДОТРИМАННЯ за останній завершений період ({ $period })
status-heading-clocks = ЛІЧИЛЬНИКИ
status-heading-coverage = ОХОПЛЕННЯ СПОСТЕРЕЖЕННЯМ
status-heading-pending = ЗАСВІДЧЕННЯ, ЩО ОЧІКУЮТЬ
status-heading-refused = ВІДХИЛЕНІ ЗАПИСИ
status-heading-ground = КОНТРОЛЬ НАД ТЕРИТОРІЄЮ (зміни)
status-heading-refused-by-entry = ВІДХИЛЕНІ, ЗА ЗАПИСАМИ

status-phase-since = { $title } ({ $id }) з { $time } (запис { $entry })
status-phase = { $title } ({ $id })
status-phase-change = { $from } -> { $to } у записі { $entry } ({ $time }), засвідчено в записах { $entries }

status-tranche-pending = очікує
status-tranche-in-force = ДІЄ
status-tranche-in-dispute = оскаржується (відновлення санкцій)
status-tranche-in-vote = на голосуванні (чи продовжувати послаблення?)
status-tranche-snapped-back = САНКЦІЇ ВІДНОВЛЕНО
status-tranche-since = (із запису { $entry })
status-tranche-dispute = процедуру відновлення санкцій відкрила сторона { $party } у записі { $entry }: комісія до { $commission }, міністри до { $ministers }, голосування до { $vote }; за продовження підписали: { $signers }
status-tranche-provisional = попередньо до { $until }: її причину ще можна оскаржити
status-tranche-last-change = остання зміна: { $state } у записі { $entry } ({ $why }), заяви { $entries }

status-guarantee-dormant = не задіяна
status-guarantee-triggered = ЗАДІЯНА
status-guarantee-overdue = ПРОСТРОЧЕНА (рішення не ухвалено в строк)
status-guarantee-decided = рішення ухвалено
status-guarantee-triggered-by = ; задіяна записами { $entries } (відомо на { $time }, запис { $entry })
status-guarantee-triggered-at = ; задіяна { $time } (запис { $entry })
status-guarantee-due = ; рішення потрібне до { $due }
status-guarantee-decided-at = ; рішення ухвалено в записі { $entry }
status-guarantee-caused-by = ; спричинено записами { $entries }
status-guarantee-provisional = ; попередньо до { $until }
status-guarantee-decision = ; рішення: { $text }

status-unattributed = { $count ->
    [one] { $count } повідомлення
    [few] { $count } повідомлення
    [many] { $count } повідомлень
   *[other] { $count } повідомлення
} за період не віднесено до жодної сторони; вони враховувалися б, якби відповідальність поклали на сторону (записи { $entries })

status-verdict-breach-verified = ПОРУШЕННЯ ПІДТВЕРДЖЕНО
status-verdict-overdue = СТРОК МИНУВ: виконання не підтверджено
status-figure = { $metric } { $value }
status-figure-reported = { $metric } { $value } підтверджено, { $reported } повідомлено
status-not-verified = ; { $count ->
    [one] { $count } повідомлення не підтверджено
    [few] { $count } повідомлення не підтверджено
    [many] { $count } повідомлень не підтверджено
   *[other] { $count } повідомлення не підтверджено
} (записи { $entries })

status-history = відтоді, як набрав чинності: { $parts }
status-history-breach = підтверджене порушення в { $count ->
    [one] { $count } періоді
   *[other] { $count } періодах
}
status-history-breach-last = підтверджене порушення в { $count ->
    [one] { $count } періоді
   *[other] { $count } періодах
}, останньому, що завершився { $day }
status-history-overdue = строк минув у { $count ->
    [one] { $count } періоді
   *[other] { $count } періодах
}
status-history-allegations-pending = непідтверджені повідомлення в { $count ->
    [one] { $count } періоді
   *[other] { $count } періодах
}
status-history-not-assessable = оцінити неможливо в { $count ->
    [one] { $count } періоді
   *[other] { $count } періодах
}
status-history-no-verified-breach = без підтверджених порушень у { $count ->
    [one] { $count } періоді
   *[other] { $count } періодах
}
status-history-fulfilled = виконано в { $count ->
    [one] { $count } періоді
   *[other] { $count } періодах
}
status-history-not-yet-due = строк ще не настав у { $count ->
    [one] { $count } періоді
   *[other] { $count } періодах
}
status-history-revised = { $count ->
    [one] { $count } період переглянуто
    [few] { $count } періоди переглянуто
    [many] { $count } періодів переглянуто
   *[other] { $count } періоду переглянуто
} через запізнілі повідомлення

status-clock-zero = 0: його умова не виконувалася в останньому періоді
status-clock = { $assessed }: умова виконувалася { $days ->
    [one] { $days } період поспіль
    [few] { $days } періоди поспіль
    [many] { $days } періодів поспіль
   *[other] { $days } періоду поспіль
}, зі спостереженням — { $assessed } (їх і враховує лічильник)

status-coverage = { $period }: { $zones }; спостерігачі: { $organisations }
status-coverage-outside-zones = місця поза всіма зонами
status-coverage-none = { $period }: спостереження не було: жоден висновок за цей період не ґрунтується на тому, що бачили спостерігачі
status-coverage-no-period = жоден період ще не завершився
status-coverage-since = від ухвалення: спостереження велося в { $covered } з { $periods ->
    [one] { $periods } періоду
   *[other] { $periods } періодів
}

status-observations = СПОСТЕРЕЖЕННЯ: прийнято { $total }, підтверджено { $verified }, оскаржується { $disputed }, відкликано після оскарження { $withdrawn }, не віднесено до сторони { $unattributed }

status-pending = { $what }: підписали { $signers }; очікується { $waiting }
status-pending-transition = перехід від етапу «{ $from }» до етапу «{ $to }» (перехід { $id })
status-pending-transition-unknown = перехід { $id }
status-pending-tranche = набрання чинності: { $title } (транш { $id })
status-pending-snapback-notice = повідомлення про відновлення санкцій щодо траншу «{ $title }» (транш { $id })
status-pending-continue-relief = продовження траншу «{ $title }» попри відновлення санкцій (транш { $id })
status-pending-guarantee-decision = рішення щодо гарантії «{ $title }» (гарантія { $id })

status-ground = { $area }: { $from } -> { $to } ({ $basis }), з { $time } (запис { $entries })
status-ground-no-holder = жодна сторона одноосібно

status-refused-entry = запис { $entry }: { $why }
status-refused-more = і ще { $count } (`accord audit` наводить усі)
