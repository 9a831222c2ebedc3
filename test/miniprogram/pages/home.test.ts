import { createFakeWx } from '../helpers/fake-wx';
import { mountPage } from '../helpers/page';

describe('pages/home', () => {
  it('should show who I am on the workbench', async () => {
    const fake = createFakeWx();
    const view = mountPage('home', fake);
    expect(view.has('.state-loading')).toBe(true);
    await view.loaded;
    expect(view.text('.user-name')).toBe('张三');
  });
});
