import { createApp } from "vue";
import { createPinia } from "pinia";
import ElementPlus from "element-plus";
import zhCn from "element-plus/es/locale/lang/zh-cn";
import "element-plus/dist/index.css";
import App from "./App.vue";
import { i18n, currentLocale } from "./i18n";
import { applyTextSize, useDeskStore } from "./stores/desk";
import "./styles.css";

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(ElementPlus, { locale: zhCn });

const desk = useDeskStore();
applyTextSize(desk.textSize);
document.documentElement.lang = currentLocale();

app.mount("#app");
