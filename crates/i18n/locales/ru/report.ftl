## Отчёт (accord-report): за день, неделю или месяц, в порядке ежедневного
## отчёта СММ ОБСЕ. Термины — по русским текстам отчётов СММ.

report-title-day = Ежедневный отчёт, { $date }
report-title-week = Еженедельный отчёт, с { $from } по { $date }
report-title-month = Ежемесячный отчёт, с { $from } по { $date }
report-period = Отчётный период с { $from } до { $to }.
report-previous = В сравнении с периодом с { $from } до { $to }.
report-built = Составлен только по публичному журналу ({ $size ->
    [one] { $size } запись
    [few] { $size } записи
    [many] { $size } записей
   *[other] { $size } записи
}).
report-root = Корень:
report-agreement-hash = Соглашение:
report-every-figure = Каждая цифра ссылается на записи, на которых она основана, каждая — с доказательством включения; accord audit проверяет всё заново.
report-policy-agreement = свидетелей соглашения
report-policy-given = заданной политики
report-witnessed = Контрольная точка засвидетельствована: её подписали { $cosigners }, кворум { $policy } достигнут.
report-not-witnessed = НЕ ЗАСВИДЕТЕЛЬСТВОВАНО: контрольная точка не достигает кворума { $policy } ({ $error }); за эту историю ручается только оператор.
report-simulated = ИМИТАЦИЯ: эти записи, на которые ссылается отчёт, помечены как имитированные (сценарий, а не реальные события); каждая цифра, которая их учитывает, считает то, чего не было:

report-simulated-mark = ИМИТАЦИЯ:

report-previous-unknown = Предыдущий период закончился до принятия соглашения: журнал ничего о нём не говорит, сравнивать не с чем.
report-summary-violations-first = Сообщено о { $reported ->
    [one] { $reported } нарушении
   *[other] { $reported } нарушениях
} режима прекращения огня, из них подтверждено { $verified }.
report-summary-region-first = { $region }: сообщено о { $reported ->
    [one] { $reported } нарушении
   *[other] { $reported } нарушениях
} (подтверждено { $verified }).
report-violations-total-first = Сообщено { $reported }, подтверждено { $verified }.

report-h-summary = Краткое изложение
report-h-violations = Нарушения режима прекращения огня
report-h-by-region = По областям
report-h-breakdown = По областям, видам, вооружению и средствам наблюдения
report-h-attribution = Ответственность (отдельный уровень)
report-h-annex = Приложение: по местам
report-h-weapons = Вооружение
report-h-weapons-in-violation = В нарушение линий отвода
report-h-weapons-absent = Отсутствует в заявленных местах хранения
report-h-weapons-outside-storage = За линиями отвода, но вне мест хранения
report-h-presence = Военное присутствие в зоне безопасности и на участках разведения
report-h-mines = Мины и неразорвавшиеся боеприпасы
report-h-casualties = Жертвы среди мирного населения
report-h-infrastructure = Повреждения гражданской инфраструктуры
report-h-windows = Локальные режимы прекращения огня («режимы тишины»)
report-h-crossings = Контрольные пункты въезда-выезда и пункты пропуска
report-h-movement = Ограничения свободы передвижения наблюдателей
report-h-relief = Послабления, гарантии и сроки
report-h-deadlines = Ближайшие сроки
report-h-clocks = Счётчики
report-h-clauses = Положения соглашения по сторонам
report-h-coverage = Охват: где наблюдатели могли видеть
report-h-series = Нарушения за последние 365 периодов
report-h-texts = Тексты соглашения
report-h-sources = Источники
report-h-endnotes = Записи, на которые ссылается отчёт

report-summary-violations-none = Ни за этот, ни за предыдущий период о нарушениях режима прекращения огня не сообщалось.
report-summary-violations = Сообщено о { $reported ->
    [one] { $reported } нарушении
   *[other] { $reported } нарушениях
} режима прекращения огня, из них подтверждено { $verified } (предыдущий период: сообщено { $reported_before }, подтверждено { $verified_before }).
report-summary-region = { $region }: сообщено о { $reported ->
    [one] { $reported } нарушении
   *[other] { $reported } нарушениях
} (подтверждено { $verified }), в предыдущем периоде — { $reported_before }.
report-summary-breach = Подтверждено нарушение положения «{ $clause }» стороной { $party } ({ $periods ->
    [one] { $periods } период
    [few] { $periods } периода
    [many] { $periods } периодов
   *[other] { $periods } периода
}).
report-summary-phase = Этап сменился с «{ $from }» на «{ $to }» { $time }.
report-summary-tranche = { $id }: состояние «{ $state }» с { $time }.
report-summary-guarantee = Гарантия «{ $id }»: состояние «{ $state }» с { $time }.
report-summary-deadline = Наступает срок: { $deadline } по «{ $id }», { $time }.
report-summary-casualties = Сообщено о жертвах среди мирного населения: погибших — { $killed }, раненых — { $injured } (подтверждено { $killed_verified } и { $injured_verified }).
report-summary-weapons = Зафиксировано { $reported ->
    [one] { $reported } единица вооружения
    [few] { $reported } единицы вооружения
    [many] { $reported } единиц вооружения
   *[other] { $reported } единицы вооружения
} в нарушение линий отвода (подтверждено { $verified }).
report-summary-movement = { $count ->
    [one] { $count } ограничение
    [few] { $count } ограничения
    [many] { $count } ограничений
   *[other] { $count } ограничения
} свободы передвижения наблюдателей.

report-violations-intro = События (взрывы, снаряды в полёте, очереди, выстрелы, осветительные ракеты), о которых сообщено за период; подтверждённые — по правилам соглашения (две независимые организации или одна с доказательствами). Предыдущий период — той же длительности перед этим.
report-violations-total = Сообщено { $reported }, подтверждено { $verified } (предыдущий период: сообщено { $reported_before }, подтверждено { $verified_before }).
report-weapons-count = Сообщено { $reported }, подтверждено { $verified }.
report-weapons-unclassed = вооружение (класс не определён)
report-casualties-total = Сообщено: погибших — { $killed }, раненых — { $injured } (подтверждено { $killed_verified } и { $injured_verified }).
report-coverage-unseen = Наблюдатели не охватывали в этот период: { $zones }. «Подтверждённых нарушений нет» там ни на чём не основано.
report-coverage-organisations = Охват обеспечили: { $organisations }.
report-covered-of = { $covered } из { $of }
report-series-table = Нарушения по периодам, последние { $n } (подтверждено / сообщено); периоды без нарушений пропущены.
report-texts-intro = Равно аутентичные тексты соглашения, рядом.
report-open-source = Сообщения из открытых источников в этом периоде взяты из импортированных наборов данных ({ $sources }); они считаются сообщёнными, а не подтверждёнными, пока их не подтвердят наблюдатели. UCDP GED фиксирует только события с погибшими (случаи организованного насилия хотя бы с одной смертью): её события — это события UCDP с погибшими, а не все нарушения. Данные UCDP GED: Sundberg & Melander 2013; Davies, Pettersson & Öberg 2023 (CC BY 4.0).
report-proofs = Файлы доказательств — доказательства включения C2SP tlog-proof относительно контрольной точки рядом с ними.
report-endnotes-intro = Каждый номер записи в отчёте и файл, доказывающий её наличие в журнале.

report-none-violations = Нарушений режима прекращения огня не зафиксировано.
report-none-weapons-in-violation = Вооружения в нарушение линий отвода не зафиксировано.
report-none-weapons-absent = Посещений заявленных мест хранения не зафиксировано.
report-none-weapons-outside-storage = Вооружения вне мест хранения не зафиксировано.
report-none-presence = Военного присутствия не зафиксировано.
report-none-mines = Мин и неразорвавшихся боеприпасов не зафиксировано.
report-none-casualties = Жертв среди мирного населения не зафиксировано.
report-none-infrastructure = Повреждений гражданской инфраструктуры не зафиксировано.
report-none-windows = Локальных режимов прекращения огня не зафиксировано.
report-none-crossings = Сообщений о пунктах пропуска не зафиксировано.
report-none-movement = Ограничений не зафиксировано.
report-none-deadlines = Наступающих сроков нет.
report-none-clauses = Ни одно положение не действует.
report-none-coverage = В этот период наблюдатели не охватывали ни одной зоны.

report-chart-violations = Нарушения режима прекращения огня по периодам и областям, последние { $n } периодов
report-chart-casualties = Погибшие и раненые среди мирных жителей по периодам, последние 30 периодов
report-chart-timeline = Этап, послабления и гарантии во времени

report-col-entry = Запись
report-col-observed = Время наблюдения
report-col-where = Место
report-col-what = Что
report-col-means = Средство наблюдения
report-col-verified = Подтверждено
report-col-reported = Сообщено
report-col-responsible = Ответственная сторона
report-col-region = Область
report-col-previous = Предыдущий (подтв. / сообщ.)
report-col-change = Изменение (сообщено)
report-col-entries = Записи
report-col-type = Вид
report-col-weapon = Вооружение
report-col-cause = Причина
report-col-killed = Погибшие
report-col-injured = Раненые
report-col-kind = Что
report-col-title = Название
report-col-state = Состояние на конец периода
report-col-provisional = Предварительно до
report-col-changes = Изменения за период
report-col-deadline = Срок
report-col-of = По
report-col-due = Когда
report-col-clock = Счётчик
report-col-days = Периодов подряд
report-col-assessed = Из них оценено
report-col-clause = Положение
report-col-party = Сторона
report-col-verdict = Вывод
report-col-measured = Измерено (последний период)
report-col-counted = Учтённые записи
report-col-allegations = Неподтверждённые сообщения
report-col-zone = Зона
report-col-covered = Охваченные периоды
report-col-period = Период

report-kind-phase = Этап
report-kind-tranche = Послабление
report-kind-guarantee = Гарантия
report-phase = Этап
report-outside-regions = Вне названных областей
report-not-given = не указано
report-not-attributed = не установлено
report-yes = да
report-no = нет
report-disputed = оспаривается
report-position = { $lat }° с. ш., { $lon }° в. д.
report-held-by = под контролем: { $party }
report-observer-at = наблюдатели находились в точке { $lat }° с. ш., { $lon }° в. д.
report-dissent = { $n ->
    [one] { $n } возражение
    [few] { $n } возражения
    [many] { $n } возражений
   *[other] { $n } возражения
}
report-metric = { $name }: { $value }
report-metric-both = { $name }: подтверждено { $verified }, сообщено { $reported }

report-num-events = { $n ->
    [one] { $n } событие
    [few] { $n } события
    [many] { $n } событий
   *[other] { $n } события
}
report-num-killed = погибших: { $n }
report-num-injured = раненых: { $n }
report-num-count = { $n } ед.
report-num-personnel = личного состава: { $n }
report-num-vehicles = { $n ->
    [one] { $n } транспортное средство
    [few] { $n } транспортных средства
    [many] { $n } транспортных средств
   *[other] { $n } транспортного средства
}
report-num-armoured-vehicles = { $n ->
    [one] { $n } бронемашина
    [few] { $n } бронемашины
    [many] { $n } бронемашин
   *[other] { $n } бронемашины
}
report-num-duration-minutes = { $n ->
    [one] { $n } минута
    [few] { $n } минуты
    [many] { $n } минут
   *[other] { $n } минуты
}
report-num-people-waiting = в очереди людей: { $n }
report-num-vehicles-waiting = в очереди транспортных средств: { $n }
report-num-wait-minutes = ожидание { $n ->
    [one] { $n } минута
    [few] { $n } минуты
    [many] { $n } минут
   *[other] { $n } минуты
}
report-num-individuals = человек: { $n }
report-num-households = домохозяйств: { $n }
report-num-vehicles-passed = проехало транспортных средств: { $n }
report-num-area-m2 = { $n } м²

report-code-event-explosion = взрывы
report-code-event-projectile-in-flight = снаряды в полёте
report-code-event-muzzle-flash = вспышки выстрелов
report-code-event-illumination-flare = осветительные ракеты
report-code-event-burst = очереди
report-code-event-shot = выстрелы
report-code-event-undetermined = неопределённые
report-code-status-in-violation-of-withdrawal-line = в нарушение линии отвода
report-code-status-outside-storage = вне места хранения
report-code-status-missing-from-storage = отсутствует в месте хранения
report-code-status-in-storage = в месте хранения
report-code-status-in-transit = в движении
report-code-status-other = другое
report-code-status-open = открыт
report-code-status-restricted = ограничен
report-code-status-closed = закрыт
report-code-restriction-denial = отказ в доступе
report-code-restriction-delay = задержка
report-code-restriction-conditional-access = доступ на условиях
report-code-restriction-uav-jamming = подавление сигнала БПЛА
report-code-restriction-fire-at-uav = обстрел БПЛА
report-code-restriction-camera-interference = вмешательство в работу камеры
report-code-restriction-threat = угрозы наблюдателям
report-code-cause-shelling = обстрел
report-code-cause-small-arms = огонь из стрелкового оружия
report-code-cause-mine-or-uxo = мины или неразорвавшиеся боеприпасы
report-code-cause-airstrike = авиаудар
report-code-cause-missile = ракета
report-code-cause-drone = беспилотник
report-code-cause-other = другое
report-code-facility-residential = жилой дом
report-code-facility-water = водоснабжение
report-code-facility-power = электроснабжение
report-code-facility-gas = газоснабжение
report-code-facility-school = школа
report-code-facility-hospital = больница
report-code-facility-road = дорога
report-code-facility-bridge = мост
report-code-facility-other = другое
report-code-damage-minor = незначительные повреждения
report-code-damage-major = значительные повреждения
report-code-damage-destroyed = разрушено
report-code-presence-armed-personnel = вооружённые лица
report-code-presence-military-vehicles = военная техника
report-code-presence-heavy-weapons = тяжёлое вооружение
report-code-presence-fortification = фортификационные сооружения
report-code-attribution-observer = по оценке наблюдателя
report-code-attribution-location = по месту (кто контролировал территорию)
report-code-attribution-details = по данным сообщения
report-code-attribution-contested = территория спорная: не установлено
report-code-attribution-none = оснований нет
report-code-confidence-low = низкая уверенность
report-code-confidence-medium = средняя уверенность
report-code-confidence-high = высокая уверенность
report-code-confidence-confirmed = подтверждено
report-code-deadline-joint-commission = срок совместной комиссии
report-code-deadline-ministers = срок министров
report-code-deadline-advisory-board = заключение консультативного совета
report-code-deadline-commission-review = пересмотр комиссией
report-code-deadline-vote = окончание голосования о продолжении
report-code-deadline-consultation = консультации гарантов
report-code-deadline-provisional = окончание срока для оспаривания

report-col-site = Место хранения
report-col-access = Доступ
report-col-absent = Отсутствует по сравнению с заявлением
report-col-held = Соблюдён (по словам наблюдателей)
report-col-near = Нарушения поблизости во время «окна» (подтв. / сообщ.)
report-site-undeclared = не заявлено
report-site-abandoned = обнаружено покинутым
report-absent-not-assessable = оценить невозможно (нет полного доступа или заявления)
report-absent-none = всё заявленное обнаружено
report-held-yes = соблюдён
report-held-no = не соблюдён
report-held-unknown = не указано
report-windows-near = Рядом со словами наблюдателей — нарушения, которые журнал фиксирует в пределах { $km } км от каждого места во время его «окна», со ссылками.
report-window-time = с { $from } до { $to }
report-code-site-permanent-storage = место постоянного хранения
report-code-site-holding-area = район сосредоточения
report-code-access-granted = доступ предоставлен
report-code-access-denied = в доступе отказано
report-code-access-partial = частичный доступ
report-code-weapon-artillery = артиллерия
report-code-weapon-mortar = миномёт
report-code-weapon-mlrs = РСЗО
report-code-weapon-tank = танк
report-code-weapon-small-arms = стрелковое оружие
report-code-weapon-anti-aircraft = зенитное оружие
report-code-weapon-grenade-launcher = гранатомёт
report-code-weapon-drone = беспилотник
report-code-weapon-missile = ракета
report-code-weapon-undetermined = неопределённое вооружение
report-code-kind-new-mines = новые мины
report-code-kind-minefield = минное поле
report-code-kind-uxo = неразорвавшиеся боеприпасы
report-code-kind-demining = разминирование
report-code-kind-warning-signs = знаки минной опасности
report-code-held-true = соблюдён
report-code-held-false = не соблюдён
