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

## Kinds and states observations name: one message per value of the
## statement types (the value's snake_case written in kebab-case).

# Types of ceasefire violation, as the SMM counted them.
common-event-explosion = взрывы
common-event-projectile-in-flight = снаряды в полёте
common-event-muzzle-flash = вспышки от выстрелов
common-event-illumination-flare = осветительные ракеты
common-event-burst = очереди
common-event-shot = выстрелы
common-event-undetermined = не определено

# Kinds of weapon a violation was fired with.
common-weapon-kind-artillery = артиллерия
common-weapon-kind-mortar = минометы
common-weapon-kind-mlrs = РСЗО
common-weapon-kind-tank = танки
common-weapon-kind-small-arms = стрелковое оружие
common-weapon-kind-anti-aircraft = зенитное вооружение
common-weapon-kind-grenade-launcher = гранатомёты
common-weapon-kind-drone = дроны
common-weapon-kind-missile = ракеты
common-weapon-kind-undetermined = не определено

# Where weapons were seen.
common-weapon-status-in-violation-of-withdrawal-line = в нарушение линий отвода
common-weapon-status-outside-storage = за линиями отвода, но вне мест хранения
common-weapon-status-missing-from-storage = отсутствует в местах хранения
common-weapon-status-in-storage = в местах хранения
common-weapon-status-in-transit = в движении
common-weapon-status-other = другое

# Restrictions of the monitors' freedom of movement.
common-restriction-denial = отказ в доступе
common-restriction-delay = задержка
common-restriction-conditional-access = условный доступ
common-restriction-uav-jamming = подавление сигнала БПЛА
common-restriction-fire-at-uav = обстрел БПЛА
common-restriction-camera-interference = вмешательство в работу камер
common-restriction-threat = угроза

# Causes of civilian casualties.
common-cause-shelling = обстрел
common-cause-small-arms = огонь из стрелкового оружия
common-cause-mine-or-uxo = мина или НВБ
common-cause-airstrike = авиаудар
common-cause-missile = ракета
common-cause-drone = дрон
common-cause-other = другое

# Civilian infrastructure.
common-facility-residential = жилые дома
common-facility-water = водоснабжение
common-facility-power = электроснабжение
common-facility-gas = газоснабжение
common-facility-school = школа
common-facility-hospital = больница
common-facility-road = дорога
common-facility-bridge = мост
common-facility-other = другое

# Damage to infrastructure.
common-damage-minor = незначительные повреждения
common-damage-major = значительные повреждения
common-damage-destroyed = разрушено

# The state of a crossing point.
common-crossing-open = открыт
common-crossing-restricted = с ограничениями
common-crossing-closed = закрыт

# Mines and unexploded ordnance.
common-mines-new-mines = новые мины
common-mines-minefield = минные поля
common-mines-uxo = неразорвавшиеся боеприпасы
common-mines-demining = разминирование
common-mines-warning-signs = предупреждающие знаки

# Access to a storage site on a monitors' visit.
common-storage-access-granted = доступ предоставлен
common-storage-access-denied = в доступе отказано
common-storage-access-partial = частичный доступ
