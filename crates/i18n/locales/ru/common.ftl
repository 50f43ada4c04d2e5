## Слова, общие для всех частей accord: счёт, выводы, состояние
## смягчений и гарантий, средства наблюдения, категории наблюдений.
## Термины — по ежедневным отчётам СММ ОБСЕ и Минским договорённостям.

common-violations = { $count ->
    [one] { $count } нарушение
    [few] { $count } нарушения
    [many] { $count } нарушений
   *[other] { $count } нарушения
}
common-entries = { $count ->
    [one] { $count } запись
    [few] { $count } записи
    [many] { $count } записей
   *[other] { $count } записи
}
common-reports = { $count ->
    [one] { $count } сообщение
    [few] { $count } сообщения
    [many] { $count } сообщений
   *[other] { $count } сообщения
}
common-periods = { $count ->
    [one] { $count } период
    [few] { $count } периода
    [many] { $count } периодов
   *[other] { $count } периода
}
common-days = { $count ->
    [one] { $count } день
    [few] { $count } дня
    [many] { $count } дней
   *[other] { $count } дня
}
common-and-more = и ещё { $count }
common-none = нет
common-nobody = никто
common-not-yet = ещё нет
common-none-yet = ещё нет
common-verified = подтверждено
common-reported = сообщено
common-entry = запись { $index }

common-verdict-breach-verified = нарушение подтверждено
common-verdict-overdue = срок истёк: выполнение не подтверждено
common-verdict-allegations-pending = подтверждённых нарушений нет; есть неподтверждённые сообщения
common-verdict-not-assessable = оценить невозможно: наблюдения не было
common-verdict-no-verified-breach = подтверждённых нарушений нет
common-verdict-fulfilled = выполнено (подтверждено)
common-verdict-not-yet-due = срок ещё не наступил
common-verdict-not-in-force = не действует

common-tranche-pending = ожидает
common-tranche-in-force = действует
common-tranche-in-dispute = оспаривается (восстановление санкций)
common-tranche-in-vote = на голосовании (продолжать ли смягчение?)
common-tranche-snapped-back = санкции восстановлены

common-guarantee-dormant = не задействована
common-guarantee-triggered = задействована
common-guarantee-overdue = просрочена (решение не принято в срок)
common-guarantee-decided = решение принято

common-sensor-patrol = патруль
common-sensor-camera = камера
common-sensor-uav = БПЛА
common-sensor-acoustic = акустический датчик
common-sensor-satellite = спутниковые снимки
common-sensor-open-source = открытые источники

common-category-ceasefire-violation = нарушения режима прекращения огня
common-category-weapon-sighting = вооружения
common-category-troop-movement = передвижения войск
common-category-freedom-of-movement = свобода передвижения
common-category-civilian-casualties = жертвы среди гражданского населения
common-category-infrastructure-damage = повреждения гражданской инфраструктуры
common-category-crossing-status = пункты пропуска
common-category-disengagement-presence = присутствие на участках разведения
common-category-withdrawal-verified = отвод подтверждён
common-category-prisoner-exchange = обмен удерживаемыми лицами
common-category-handover = передачи
common-category-displaced-return = возвращение перемещённых лиц
common-category-remains-exchange = обмен телами погибших
common-category-force-presence = военное присутствие
common-category-route-status = маршруты
common-category-mines-uxo = мины и неразорвавшиеся боеприпасы
common-category-localised-ceasefire = локальные режимы прекращения огня
common-category-storage-visit = посещения мест хранения

common-lang-en = English
common-lang-uk = Українська
common-lang-ru = Русский
