"""いきいきキャリアプラン塾: cohorts, homework, reminders, money plan, career design."""
