## Панель моніторингу (issue 16): кілька слів для початку.

dashboard-title = Панель моніторингу припинення вогню
dashboard-language = Мова
dashboard-updated = Оновлено { $time }
dashboard-no-data = Даних ще немає.
