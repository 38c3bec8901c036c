performance.mark("cd-script");
import { createApp } from "vue";
import { createPinia } from "pinia";
import { provideGlobalConfig } from "element-plus";
import zhCn from "element-plus/es/locale/lang/zh-cn";
// Element Plus' shared variables and reset; each component brings its own CSS (see vite.config.ts).
import "element-plus/theme-chalk/base.css";
import App from "./App.vue";
import { i18n, currentLocale } from "./i18n";
import { applyTextSize, useDeskStore } from "./stores/desk";
import "./styles.css";

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
// What app.use(ElementPlus, { locale }) did besides registering every component: the app-wide config
// that services rendered outside <el-config-provider> (ElMessage, ElLoading.service) fall back to.
provideGlobalConfig({ locale: zhCn }, app, true);

const desk = useDeskStore();
applyTextSize(desk.textSize);
document.documentElement.lang = currentLocale();

app.mount("#app");
performance.mark("cd-mounted");
