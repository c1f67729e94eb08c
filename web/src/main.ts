import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import App from './App.vue'
import { router } from './router'
import { setUnauthorizedHandler } from './api'
import { afterSessionLost, useAuth } from './stores/auth'
import './style.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(router)

// A request that finds the session gone returns to sign-in, then back here.
setUnauthorizedHandler(() => {
  const auth = useAuth(pinia)
  const next = afterSessionLost(auth.me !== null, router.currentRoute.value)
  if (!next) return
  auth.me = null
  auth.expired = true
  router.replace(next)
})

app.mount('#app')
