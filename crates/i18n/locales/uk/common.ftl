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
