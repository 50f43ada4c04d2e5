## `accord status`: состояние соглашения для читателя (accord_engine::text).

status-agreement = соглашение { $hash }
status-log = журнал: { $size ->
    [one] { $size } запись
    [few] { $size } записи
    [many] { $size } записей
   *[other] { $size } записи
}; часы { $clock }
status-amended = с изменениями: версия { $version } ({ $hash }) действует с записи { $from } ({ $since })
status-not-applied = НЕ ПРИМЕНЕНО: изменение в записи { $entry } к { $hash }: { $why }
status-adopted = принято: { $time } (запись { $entry })
status-adopted-not-yet = принято: ещё нет
status-reporting-period = отчётный период: { $current } (последний завершённый: { $last })

status-heading-phase = ЭТАП
status-heading-relief = СМЯГЧЕНИЕ САНКЦИЙ
status-heading-guarantees = ГАРАНТИИ
status-heading-compliance = СОБЛЮДЕНИЕ за последний завершённый период ({ $period })
status-heading-clocks = СЧЁТЧИКИ
status-heading-coverage = ОХВАТ НАБЛЮДЕНИЕМ
status-heading-pending = УДОСТОВЕРЕНИЯ В ОЖИДАНИИ
status-heading-refused = ОТКЛОНЁННЫЕ ЗАПИСИ
status-heading-ground = КОНТРОЛЬ НАД ТЕРРИТОРИЕЙ (изменения)
status-heading-refused-by-entry = ОТКЛОНЁННЫЕ, ПО ЗАПИСЯМ

status-phase-since = { $title } ({ $id }) с { $time } (запись { $entry })
status-phase = { $title } ({ $id })
status-phase-change = { $from } -> { $to } в записи { $entry } ({ $time }), удостоверено в записях { $entries }

status-tranche-pending = ожидает
status-tranche-in-force = ДЕЙСТВУЕТ
status-tranche-in-dispute = оспаривается (восстановление санкций)
status-tranche-in-vote = на голосовании (продолжать ли смягчение?)
status-tranche-snapped-back = САНКЦИИ ВОССТАНОВЛЕНЫ
status-tranche-since = (с записи { $entry })
status-tranche-dispute = процедуру восстановления санкций открыла сторона { $party } в записи { $entry }: комиссия до { $commission }, министры до { $ministers }, голосование до { $vote }; за продолжение подписали: { $signers }
status-tranche-provisional = предварительно до { $until }: её причину ещё можно оспорить
status-tranche-last-change = последнее изменение: { $state } в записи { $entry } ({ $why }), заявления { $entries }

status-guarantee-dormant = не задействована
status-guarantee-triggered = ЗАДЕЙСТВОВАНА
status-guarantee-overdue = ПРОСРОЧЕНА (решение не принято в срок)
status-guarantee-decided = решение принято
status-guarantee-triggered-by = ; задействована записями { $entries } (известно на { $time }, запись { $entry })
status-guarantee-triggered-at = ; задействована { $time } (запись { $entry })
status-guarantee-due = ; решение требуется до { $due }
status-guarantee-decided-at = ; решение принято в записи { $entry }
status-guarantee-caused-by = ; вызвано записями { $entries }
status-guarantee-provisional = ; предварительно до { $until }
status-guarantee-decision = ; решение: { $text }

status-unattributed = { $count ->
    [one] { $count } сообщение
    [few] { $count } сообщения
    [many] { $count } сообщений
   *[other] { $count } сообщения
} за период не отнесено ни к одной стороне; они учитывались бы, если бы ответственность возложили на сторону (записи { $entries })

status-verdict-breach-verified = НАРУШЕНИЕ ПОДТВЕРЖДЕНО
status-verdict-overdue = СРОК ИСТЁК: выполнение не подтверждено
status-figure = { $metric } { $value }
status-figure-reported = { $metric } { $value } подтверждено, { $reported } сообщено
status-not-verified = ; { $count ->
    [one] { $count } сообщение не подтверждено
    [few] { $count } сообщения не подтверждены
    [many] { $count } сообщений не подтверждено
   *[other] { $count } сообщения не подтверждено
} (записи { $entries })

status-history = с вступления в силу: { $parts }
status-history-breach = подтверждённое нарушение в { $count ->
    [one] { $count } периоде
   *[other] { $count } периодах
}
status-history-breach-last = подтверждённое нарушение в { $count ->
    [one] { $count } периоде
   *[other] { $count } периодах
}, последнем, завершившемся { $day }
status-history-overdue = срок истёк в { $count ->
    [one] { $count } периоде
   *[other] { $count } периодах
}
status-history-allegations-pending = неподтверждённые сообщения в { $count ->
    [one] { $count } периоде
   *[other] { $count } периодах
}
status-history-not-assessable = оценить невозможно в { $count ->
    [one] { $count } периоде
   *[other] { $count } периодах
}
status-history-no-verified-breach = без подтверждённых нарушений в { $count ->
    [one] { $count } периоде
   *[other] { $count } периодах
}
status-history-fulfilled = выполнено в { $count ->
    [one] { $count } периоде
   *[other] { $count } периодах
}
status-history-not-yet-due = срок ещё не наступил в { $count ->
    [one] { $count } периоде
   *[other] { $count } периодах
}
status-history-revised = { $count ->
    [one] { $count } период пересмотрен
    [few] { $count } периода пересмотрены
    [many] { $count } периодов пересмотрено
   *[other] { $count } периода пересмотрено
} из-за запоздавших сообщений

status-clock-zero = 0: его условие не выполнялось в последнем периоде
status-clock = { $assessed }: условие выполнялось { $days ->
    [one] { $days } период подряд
    [few] { $days } периода подряд
    [many] { $days } периодов подряд
   *[other] { $days } периода подряд
}, с наблюдением — { $assessed } (их и учитывает счётчик)

status-coverage = { $period }: { $zones }; наблюдатели: { $organisations }
status-coverage-outside-zones = места вне всех зон
status-coverage-none = { $period }: наблюдения не было: ни один вывод за этот период не основан на том, что видели наблюдатели
status-coverage-no-period = ни один период ещё не завершился
status-coverage-since = с принятия: наблюдение велось в { $covered } из { $periods ->
    [one] { $periods } периода
   *[other] { $periods } периодов
}

status-observations = НАБЛЮДЕНИЯ: принято { $total }, подтверждено { $verified }, оспаривается { $disputed }, отозвано после оспаривания { $withdrawn }, не отнесено к стороне { $unattributed }

status-pending = { $what }: подписали { $signers }; ожидается { $waiting }
status-pending-transition = переход от этапа «{ $from }» к этапу «{ $to }» (переход { $id })
status-pending-transition-unknown = переход { $id }
status-pending-tranche = вступление в силу: { $title } (транш { $id })
status-pending-snapback-notice = уведомление о восстановлении санкций по траншу «{ $title }» (транш { $id })
status-pending-continue-relief = продолжение транша «{ $title }» несмотря на восстановление санкций (транш { $id })
status-pending-guarantee-decision = решение по гарантии «{ $title }» (гарантия { $id })

status-ground = { $area }: { $from } -> { $to } ({ $basis }), с { $time } (запись { $entries })
status-ground-no-holder = ни одна сторона единолично

status-refused-entry = запись { $entry }: { $why }
status-refused-more = и ещё { $count } (`accord audit` перечисляет все)
