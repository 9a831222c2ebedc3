// Pages without the admin console (the refusal page): the 退出登录 button.
import { logout } from './api.mjs';

for (const button of document.querySelectorAll('[data-logout]')) {
  button.addEventListener('click', () => {
    button.disabled = true;
    logout();
  });
}
