## Панель мониторинга (issue 16): несколько слов для начала.

dashboard-title = Панель мониторинга прекращения огня
dashboard-language = Язык
dashboard-updated = Обновлено { $time }
dashboard-no-data = Данных пока нет.
