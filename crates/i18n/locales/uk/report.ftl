## Звіт (accord-report): за день, тиждень чи місяць, у порядку щоденного
## звіту СММ ОБСЄ. Терміни — за українськими текстами звітів СММ.

report-title-day = Щоденний звіт, { $date }
report-title-week = Тижневий звіт, з { $from } по { $date }
report-title-month = Місячний звіт, з { $from } по { $date }
report-period = Звітний період з { $from } до { $to }.
report-previous = Порівняно з періодом з { $from } до { $to }.
report-built = Складено лише з публічного журналу ({ $size ->
    [one] { $size } запис
    [few] { $size } записи
    [many] { $size } записів
   *[other] { $size } запису
}).
report-root = Корінь:
report-agreement-hash = Угода:
report-every-figure = Кожна цифра має посилання на записи, на яких вона ґрунтується, кожен — із доказом включення; accord audit перевіряє все заново.
report-policy-agreement = свідків угоди
report-policy-given = заданої політики
report-witnessed = Контрольну точку засвідчено: її підписали { $cosigners }, кворум { $policy } досягнуто.
report-not-witnessed = НЕ ЗАСВІДЧЕНО: контрольна точка не досягає кворуму { $policy } ({ $error }); за цю історію ручається лише оператор.
report-simulated = ІМІТАЦІЯ: ці записи, на які посилається звіт, позначено як імітовані (сценарій, а не реальні події); кожна цифра, що їх враховує, рахує те, чого не було:

report-simulated-mark = ІМІТАЦІЯ:

report-previous-unknown = Попередній період закінчився до ухвалення угоди: журнал нічого про нього не каже, порівнювати нема з чим.
report-summary-violations-first = Повідомлено про { $reported ->
    [one] { $reported } порушення
    [few] { $reported } порушення
    [many] { $reported } порушень
   *[other] { $reported } порушення
} режиму припинення вогню, з них підтверджено { $verified }.
report-summary-region-first = { $region }: повідомлено про { $reported ->
    [one] { $reported } порушення
    [few] { $reported } порушення
    [many] { $reported } порушень
   *[other] { $reported } порушення
} (підтверджено { $verified }).
report-violations-total-first = Повідомлено { $reported }, підтверджено { $verified }.

report-h-summary = Стислий виклад
report-h-violations = Порушення режиму припинення вогню
report-h-by-region = За областями
report-h-breakdown = За областями, видами, озброєнням і засобами спостереження
report-h-attribution = Відповідальність (окремий рівень)
report-h-annex = Додаток: за місцями
report-h-weapons = Озброєння
report-h-weapons-in-violation = У порушення ліній відведення
report-h-weapons-absent = Відсутнє в заявлених місцях зберігання
report-h-weapons-outside-storage = За лініями відведення, але поза місцями зберігання
report-h-presence = Військова присутність у безпековій зоні та на ділянках розведення
report-h-mines = Міни та нерозірвані боєприпаси
report-h-casualties = Жертви серед цивільного населення
report-h-infrastructure = Пошкодження цивільної інфраструктури
report-h-windows = Локальні режими припинення вогню («вікна тиші»)
report-h-crossings = Контрольні пункти в'їзду-виїзду та пункти пропуску
report-h-movement = Обмеження свободи пересування спостерігачів
report-h-relief = Послаблення, гарантії та строки
report-h-deadlines = Найближчі строки
report-h-clocks = Лічильники
report-h-clauses = Положення угоди за сторонами
report-h-coverage = Охоплення: де спостерігачі могли бачити
report-h-series = Порушення за останні 365 періодів
report-h-texts = Тексти угоди
report-h-sources = Джерела
report-h-endnotes = Записи, на які посилається звіт

report-summary-violations-none = Ні за цей, ні за попередній період про порушення режиму припинення вогню не повідомлялося.
report-summary-violations = Повідомлено про { $reported ->
    [one] { $reported } порушення
    [few] { $reported } порушення
    [many] { $reported } порушень
   *[other] { $reported } порушення
} режиму припинення вогню, з них підтверджено { $verified } (попередній період: повідомлено { $reported_before }, підтверджено { $verified_before }).
report-summary-region = { $region }: повідомлено про { $reported ->
    [one] { $reported } порушення
    [few] { $reported } порушення
    [many] { $reported } порушень
   *[other] { $reported } порушення
} (підтверджено { $verified }), у попередньому періоді — { $reported_before }.
report-summary-breach = Підтверджено порушення положення «{ $clause }» стороною { $party } ({ $periods ->
    [one] { $periods } період
    [few] { $periods } періоди
    [many] { $periods } періодів
   *[other] { $periods } періоду
}).
report-summary-phase = Етап змінився з «{ $from }» на «{ $to }» { $time }.
report-summary-tranche = { $id }: стан «{ $state }» з { $time }.
report-summary-guarantee = Гарантія «{ $id }»: стан «{ $state }» з { $time }.
report-summary-deadline = Настає строк: { $deadline } щодо «{ $id }», { $time }.
report-summary-casualties = Повідомлено про жертви серед цивільного населення: загиблих — { $killed }, поранених — { $injured } (підтверджено { $killed_verified } і { $injured_verified }).
report-summary-weapons = Зафіксовано { $reported ->
    [one] { $reported } одиницю озброєння
    [few] { $reported } одиниці озброєння
    [many] { $reported } одиниць озброєння
   *[other] { $reported } одиниці озброєння
} в порушення ліній відведення (підтверджено { $verified }).
report-summary-movement = { $count ->
    [one] { $count } обмеження
    [few] { $count } обмеження
    [many] { $count } обмежень
   *[other] { $count } обмеження
} свободи пересування спостерігачів.

report-violations-intro = Події (вибухи, снаряди в польоті, черги, постріли, освітлювальні ракети), про які повідомлено за період; підтверджені — за правилами угоди (дві незалежні організації або одна з доказами). Попередній період — такої ж тривалості перед цим.
report-violations-total = Повідомлено { $reported }, підтверджено { $verified } (попередній період: повідомлено { $reported_before }, підтверджено { $verified_before }).
report-weapons-count = Повідомлено { $reported }, підтверджено { $verified }.
report-weapons-unclassed = озброєння (клас не визначено)
report-casualties-total = Повідомлено: загиблих — { $killed }, поранених — { $injured } (підтверджено { $killed_verified } і { $injured_verified }).
report-coverage-unseen = Спостерігачі не охоплювали в цей період: { $zones }. «Підтверджених порушень немає» там ні на чому не ґрунтується.
report-coverage-organisations = Охоплення забезпечили: { $organisations }.
report-covered-of = { $covered } з { $of }
report-series-table = Порушення за періодами, останні { $n } (підтверджено / повідомлено); періоди без порушень пропущено.
report-texts-intro = Рівно автентичні тексти угоди, поруч.
report-open-source = Повідомлення з відкритих джерел у цьому періоді походять з імпортованих наборів даних ({ $sources }); вони вважаються повідомленими, а не підтвердженими, доки їх не підтвердять спостерігачі. UCDP GED фіксує лише події з загиблими (випадки організованого насильства щонайменше з однією смертю): її події — це події UCDP із загиблими, а не всі порушення. Дані UCDP GED: Sundberg & Melander 2013; Davies, Pettersson & Öberg 2023 (CC BY 4.0).
report-proofs = Файли доказів — докази включення C2SP tlog-proof щодо контрольної точки поруч із ними.
report-endnotes-intro = Кожен номер запису у звіті та файл, що доводить його наявність у журналі.

report-none-violations = Порушень режиму припинення вогню не зафіксовано.
report-none-weapons-in-violation = Озброєння в порушення ліній відведення не зафіксовано.
report-none-weapons-absent = Відвідувань заявлених місць зберігання не зафіксовано.
report-none-weapons-outside-storage = Озброєння поза місцями зберігання не зафіксовано.
report-none-presence = Військової присутності не зафіксовано.
report-none-mines = Мін і нерозірваних боєприпасів не зафіксовано.
report-none-casualties = Жертв серед цивільного населення не зафіксовано.
report-none-infrastructure = Пошкоджень цивільної інфраструктури не зафіксовано.
report-none-windows = Локальних режимів припинення вогню не зафіксовано.
report-none-crossings = Повідомлень про пункти пропуску не зафіксовано.
report-none-movement = Обмежень не зафіксовано.
report-none-deadlines = Строків, що настають, немає.
report-none-clauses = Жодне положення не діє.
report-none-coverage = Цього періоду спостерігачі не охоплювали жодної зони.

report-chart-violations = Порушення режиму припинення вогню за періодами й областями, останні { $n } періодів
report-chart-casualties = Загиблі й поранені серед цивільних за періодами, останні 30 періодів
report-chart-timeline = Етап, послаблення й гарантії в часі

report-col-entry = Запис
report-col-observed = Час спостереження
report-col-where = Місце
report-col-what = Що
report-col-means = Засіб спостереження
report-col-verified = Підтверджено
report-col-reported = Повідомлено
report-col-responsible = Відповідальна сторона
report-col-region = Область
report-col-previous = Попередній (підтв. / повід.)
report-col-change = Зміна (повідомлено)
report-col-entries = Записи
report-col-type = Вид
report-col-weapon = Озброєння
report-col-cause = Причина
report-col-killed = Загиблі
report-col-injured = Поранені
report-col-kind = Що
report-col-title = Назва
report-col-state = Стан на кінець періоду
report-col-provisional = Попередньо до
report-col-changes = Зміни за період
report-col-deadline = Строк
report-col-of = Щодо
report-col-due = Коли
report-col-clock = Лічильник
report-col-days = Періодів поспіль
report-col-assessed = З них оцінено
report-col-clause = Положення
report-col-party = Сторона
report-col-verdict = Висновок
report-col-measured = Виміряно (останній період)
report-col-counted = Враховані записи
report-col-allegations = Непідтверджені повідомлення
report-col-zone = Зона
report-col-covered = Охоплені періоди
report-col-period = Період

report-kind-phase = Етап
report-kind-tranche = Послаблення
report-kind-guarantee = Гарантія
report-phase = Етап
report-outside-regions = Поза названими областями
report-not-given = не вказано
report-not-attributed = не встановлено
report-yes = так
report-no = ні
report-disputed = оскаржується
report-position = { $lat }° пн. ш., { $lon }° сх. д.
report-held-by = під контролем: { $party }
report-observer-at = спостерігачі перебували в точці { $lat }° пн. ш., { $lon }° сх. д.
report-dissent = { $n ->
    [one] { $n } заперечення
    [few] { $n } заперечення
    [many] { $n } заперечень
   *[other] { $n } заперечення
}
report-metric = { $name }: { $value }
report-metric-both = { $name }: підтверджено { $verified }, повідомлено { $reported }

report-num-events = { $n ->
    [one] { $n } подія
    [few] { $n } події
    [many] { $n } подій
   *[other] { $n } події
}
report-num-killed = загиблих: { $n }
report-num-injured = поранених: { $n }
report-num-count = { $n } од.
report-num-personnel = особового складу: { $n }
report-num-vehicles = { $n ->
    [one] { $n } транспортний засіб
    [few] { $n } транспортні засоби
    [many] { $n } транспортних засобів
   *[other] { $n } транспортного засобу
}
report-num-armoured-vehicles = { $n ->
    [one] { $n } бронемашина
    [few] { $n } бронемашини
    [many] { $n } бронемашин
   *[other] { $n } бронемашини
}
report-num-duration-minutes = { $n ->
    [one] { $n } хвилина
    [few] { $n } хвилини
    [many] { $n } хвилин
   *[other] { $n } хвилини
}
report-num-people-waiting = у черзі людей: { $n }
report-num-vehicles-waiting = у черзі транспортних засобів: { $n }
report-num-wait-minutes = очікування { $n ->
    [one] { $n } хвилина
    [few] { $n } хвилини
    [many] { $n } хвилин
   *[other] { $n } хвилини
}
report-num-individuals = осіб: { $n }
report-num-households = домогосподарств: { $n }
report-num-vehicles-passed = проїхало транспортних засобів: { $n }
report-num-area-m2 = { $n } м²

report-code-event-explosion = вибухи
report-code-event-projectile-in-flight = снаряди в польоті
report-code-event-muzzle-flash = спалахи пострілів
report-code-event-illumination-flare = освітлювальні ракети
report-code-event-burst = черги
report-code-event-shot = постріли
report-code-event-undetermined = невизначені
report-code-status-in-violation-of-withdrawal-line = у порушення лінії відведення
report-code-status-outside-storage = поза місцем зберігання
report-code-status-missing-from-storage = відсутнє в місці зберігання
report-code-status-in-storage = у місці зберігання
report-code-status-in-transit = у русі
report-code-status-other = інше
report-code-status-open = відкрито
report-code-status-restricted = обмежено
report-code-status-closed = закрито
report-code-restriction-denial = відмова в доступі
report-code-restriction-delay = затримка
report-code-restriction-conditional-access = доступ за умов
report-code-restriction-uav-jamming = глушіння сигналу БПЛА
report-code-restriction-fire-at-uav = обстріл БПЛА
report-code-restriction-camera-interference = втручання в роботу камери
report-code-restriction-threat = погрози спостерігачам
report-code-cause-shelling = обстріл
report-code-cause-small-arms = вогонь зі стрілецької зброї
report-code-cause-mine-or-uxo = міни або нерозірвані боєприпаси
report-code-cause-airstrike = авіаудар
report-code-cause-missile = ракета
report-code-cause-drone = безпілотник
report-code-cause-other = інше
report-code-facility-residential = житловий будинок
report-code-facility-water = водопостачання
report-code-facility-power = електропостачання
report-code-facility-gas = газопостачання
report-code-facility-school = школа
report-code-facility-hospital = лікарня
report-code-facility-road = дорога
report-code-facility-bridge = міст
report-code-facility-other = інше
report-code-damage-minor = незначні пошкодження
report-code-damage-major = значні пошкодження
report-code-damage-destroyed = зруйновано
report-code-presence-armed-personnel = озброєні особи
report-code-presence-military-vehicles = військова техніка
report-code-presence-heavy-weapons = важке озброєння
report-code-presence-fortification = фортифікаційні споруди
report-code-attribution-observer = за оцінкою спостерігача
report-code-attribution-location = за місцем (хто контролював територію)
report-code-attribution-details = за даними повідомлення
report-code-attribution-contested = територія спірна: не встановлено
report-code-attribution-none = підстав немає
report-code-confidence-low = низька впевненість
report-code-confidence-medium = середня впевненість
report-code-confidence-high = висока впевненість
report-code-confidence-confirmed = підтверджено
report-code-deadline-joint-commission = строк спільної комісії
report-code-deadline-ministers = строк міністрів
report-code-deadline-advisory-board = висновок консультативної ради
report-code-deadline-commission-review = перегляд комісією
report-code-deadline-vote = завершення голосування про продовження
report-code-deadline-consultation = консультації гарантів
report-code-deadline-provisional = закінчення строку для оскарження

report-col-site = Місце зберігання
report-col-access = Доступ
report-col-absent = Відсутнє порівняно із заявою
report-col-held = Дотримано (за словами спостерігачів)
report-col-near = Порушення поблизу під час «вікна» (підтв. / повід.)
report-site-undeclared = не заявлено
report-site-abandoned = виявлено покинутим
report-absent-not-assessable = оцінити неможливо (немає повного доступу або заяви)
report-absent-none = усе заявлене виявлено
report-held-yes = дотримано
report-held-no = не дотримано
report-held-unknown = не вказано
report-windows-near = Поряд зі словами спостерігачів — порушення, які журнал фіксує в межах { $km } км від кожного місця під час його «вікна», з посиланнями.
report-window-time = з { $from } до { $to }
report-code-site-permanent-storage = місце постійного зберігання
report-code-site-holding-area = район зосередження
report-code-access-granted = доступ надано
report-code-access-denied = у доступі відмовлено
report-code-access-partial = частковий доступ
report-code-weapon-artillery = артилерія
report-code-weapon-mortar = міномет
report-code-weapon-mlrs = РСЗВ
report-code-weapon-tank = танк
report-code-weapon-small-arms = стрілецька зброя
report-code-weapon-anti-aircraft = зенітна зброя
report-code-weapon-grenade-launcher = гранатомет
report-code-weapon-drone = безпілотник
report-code-weapon-missile = ракета
report-code-weapon-undetermined = невизначене озброєння
report-code-kind-new-mines = нові міни
report-code-kind-minefield = мінне поле
report-code-kind-uxo = нерозірвані боєприпаси
report-code-kind-demining = розмінування
report-code-kind-warning-signs = знаки про мінну небезпеку
report-code-held-true = дотримано
report-code-held-false = не дотримано
