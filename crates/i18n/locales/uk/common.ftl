## Слова, спільні для всіх частин accord: лічба, висновки, стан
## послаблень і гарантій, засоби спостереження, категорії спостережень.
## Терміни — за щоденними звітами СММ ОБСЄ і Мінськими домовленостями.

common-violations = { $count ->
    [one] { $count } порушення
    [few] { $count } порушення
    [many] { $count } порушень
   *[other] { $count } порушення
}
common-entries = { $count ->
    [one] { $count } запис
    [few] { $count } записи
    [many] { $count } записів
   *[other] { $count } запису
}
common-reports = { $count ->
    [one] { $count } повідомлення
    [few] { $count } повідомлення
    [many] { $count } повідомлень
   *[other] { $count } повідомлення
}
common-periods = { $count ->
    [one] { $count } період
    [few] { $count } періоди
    [many] { $count } періодів
   *[other] { $count } періоду
}
common-days = { $count ->
    [one] { $count } день
    [few] { $count } дні
    [many] { $count } днів
   *[other] { $count } дня
}
common-and-more = і ще { $count }
common-none = немає
common-nobody = ніхто
common-not-yet = ще ні
common-none-yet = ще немає
common-verified = підтверджено
common-reported = повідомлено
common-entry = запис { $index }

common-verdict-breach-verified = порушення підтверджено
common-verdict-overdue = строк минув: виконання не підтверджено
common-verdict-allegations-pending = підтверджених порушень немає; є непідтверджені повідомлення
common-verdict-not-assessable = оцінити неможливо: спостереження не було
common-verdict-no-verified-breach = підтверджених порушень немає
common-verdict-fulfilled = виконано (підтверджено)
common-verdict-not-yet-due = строк ще не настав
common-verdict-not-in-force = не діє

common-tranche-pending = очікує
common-tranche-in-force = діє
common-tranche-in-dispute = оскаржується (відновлення санкцій)
common-tranche-in-vote = на голосуванні (чи продовжувати послаблення?)
common-tranche-snapped-back = санкції відновлено

common-guarantee-dormant = не задіяна
common-guarantee-triggered = задіяна
common-guarantee-overdue = прострочена (рішення не ухвалено в строк)
common-guarantee-decided = рішення ухвалено

common-sensor-patrol = патруль
common-sensor-camera = камера
common-sensor-uav = БПЛА
common-sensor-acoustic = акустичний датчик
common-sensor-satellite = супутникові знімки
common-sensor-open-source = відкриті джерела

common-category-ceasefire-violation = порушення режиму припинення вогню
common-category-weapon-sighting = озброєння
common-category-troop-movement = переміщення військ
common-category-freedom-of-movement = свобода пересування
common-category-civilian-casualties = жертви серед цивільного населення
common-category-infrastructure-damage = пошкодження цивільної інфраструктури
common-category-crossing-status = пункти пропуску
common-category-disengagement-presence = присутність на ділянках розведення
common-category-withdrawal-verified = відведення підтверджено
common-category-prisoner-exchange = обмін утримуваними особами
common-category-handover = передачі
common-category-displaced-return = повернення переміщених осіб
common-category-remains-exchange = обмін тілами загиблих
common-category-force-presence = військова присутність
common-category-route-status = маршрути
common-category-mines-uxo = міни та нерозірвані боєприпаси
common-category-localised-ceasefire = локальні режими припинення вогню
common-category-storage-visit = відвідування місць зберігання

common-lang-en = English
common-lang-uk = Українська
common-lang-ru = Русский

## Kinds and states observations name: one message per value of the
## statement types (the value's snake_case written in kebab-case).

# Types of ceasefire violation, as the SMM counted them.
common-event-explosion = вибухи
common-event-projectile-in-flight = снаряди в польоті
common-event-muzzle-flash = спалахи від пострілів
common-event-illumination-flare = освітлювальні ракети
common-event-burst = черги
common-event-shot = постріли
common-event-undetermined = не визначено

# Kinds of weapon a violation was fired with.
common-weapon-kind-artillery = артилерія
common-weapon-kind-mortar = міномети
common-weapon-kind-mlrs = РСЗВ
common-weapon-kind-tank = танки
common-weapon-kind-small-arms = стрілецька зброя
common-weapon-kind-anti-aircraft = зенітне озброєння
common-weapon-kind-grenade-launcher = гранатомети
common-weapon-kind-drone = дрони
common-weapon-kind-missile = ракети
common-weapon-kind-undetermined = не визначено

# Where weapons were seen.
common-weapon-status-in-violation-of-withdrawal-line = з порушенням ліній відведення
common-weapon-status-outside-storage = за лініями відведення, але поза місцями зберігання
common-weapon-status-missing-from-storage = відсутнє в місцях зберігання
common-weapon-status-in-storage = у місцях зберігання
common-weapon-status-in-transit = у русі
common-weapon-status-other = інше

# Restrictions of the monitors' freedom of movement.
common-restriction-denial = відмова в доступі
common-restriction-delay = затримка
common-restriction-conditional-access = умовний доступ
common-restriction-uav-jamming = придушення сигналу БПЛА
common-restriction-fire-at-uav = обстріл БПЛА
common-restriction-camera-interference = втручання в роботу камер
common-restriction-threat = погроза

# Causes of civilian casualties.
common-cause-shelling = обстріл
common-cause-small-arms = вогонь зі стрілецької зброї
common-cause-mine-or-uxo = міна або НВБ
common-cause-airstrike = авіаудар
common-cause-missile = ракета
common-cause-drone = дрон
common-cause-other = інше

# Civilian infrastructure.
common-facility-residential = житлові будинки
common-facility-water = водопостачання
common-facility-power = електропостачання
common-facility-gas = газопостачання
common-facility-school = школа
common-facility-hospital = лікарня
common-facility-road = дорога
common-facility-bridge = міст
common-facility-other = інше

# Damage to infrastructure.
common-damage-minor = незначні пошкодження
common-damage-major = значні пошкодження
common-damage-destroyed = зруйновано

# The state of a crossing point.
common-crossing-open = відкритий
common-crossing-restricted = з обмеженнями
common-crossing-closed = закритий

# Mines and unexploded ordnance.
common-mines-new-mines = нові міни
common-mines-minefield = мінні поля
common-mines-uxo = нерозірвані боєприпаси
common-mines-demining = розмінування
common-mines-warning-signs = попереджувальні знаки

# Access to a storage site on a monitors' visit.
common-storage-access-granted = доступ надано
common-storage-access-denied = у доступі відмовлено
common-storage-access-partial = частковий доступ
