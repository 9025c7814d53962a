import type { Category, Language } from './world-catalog.ts';

export type Sentiment = 'positive' | 'neutral' | 'negative';

/**
 * Short customer sentences whose sentiment is known, per language. Customer messages are built
 * only from these, so a sentiment analyser can be scored against the label of each message.
 */
export const customerPhrases: Record<Language, Record<Sentiment, readonly string[]>> = {
  en: {
    positive: [
      'Thank you so much, that was fast!',
      'Great support, I really appreciate it.',
      'Perfect, everything works now.',
      'You are amazing, problem solved.',
      'Excellent help, thanks a lot.',
    ],
    neutral: [
      'I have a question about my account.',
      'Please check the transaction status.',
      'Here is my order number.',
      'I sent the documents yesterday.',
      'Could you tell me the current status?',
    ],
    negative: [
      'This is terrible, I am very angry.',
      'I have been waiting for days, this is unacceptable.',
      'Worst support ever, nobody helps me.',
      'I am furious, my money is stuck.',
      'Awful service, I want to close my account.',
    ],
  },
  ru: {
    positive: [
      'Большое спасибо, всё отлично!',
      'Отличная поддержка, очень благодарен.',
      'Спасибо, проблема решена.',
      'Прекрасно, теперь всё работает.',
      'Вы очень помогли, спасибо!',
    ],
    neutral: [
      'У меня вопрос по аккаунту.',
      'Проверьте, пожалуйста, статус перевода.',
      'Вот номер моей заявки.',
      'Я отправил документы вчера.',
      'Подскажите текущий статус.',
    ],
    negative: [
      'Это ужасно, я очень зол.',
      'Я жду уже несколько дней, это недопустимо.',
      'Худшая поддержка, никто не помогает.',
      'Мои деньги зависли, я в ярости.',
      'Отвратительный сервис, закрою аккаунт.',
    ],
  },
  zh: {
    positive: [
      '非常感谢，速度很快！',
      '客服很棒，我很满意。',
      '太好了，问题解决了。',
      '谢谢你们的帮助。',
      '完美，现在一切正常。',
    ],
    neutral: [
      '我有一个关于账户的问题。',
      '请查一下交易状态。',
      '这是我的订单号。',
      '我昨天已经提交了文件。',
      '请告诉我目前的进度。',
    ],
    negative: [
      '太糟糕了，我非常生气。',
      '我已经等了好几天，无法接受。',
      '最差的客服，没人帮我。',
      '我的钱被卡住了，我很愤怒。',
      '服务太差了，我要注销账户。',
    ],
  },
  es: {
    positive: [
      'Muchas gracias, fue muy rápido.',
      'Excelente soporte, lo agradezco mucho.',
      'Perfecto, ya funciona todo.',
      'Son geniales, problema resuelto.',
      'Gracias por la ayuda, muy amables.',
    ],
    neutral: [
      'Tengo una pregunta sobre mi cuenta.',
      'Por favor revisen el estado de la transacción.',
      'Aquí está mi número de orden.',
      'Envié los documentos ayer.',
      '¿Me pueden decir el estado actual?',
    ],
    negative: [
      'Esto es terrible, estoy muy enfadado.',
      'Llevo días esperando, es inaceptable.',
      'El peor soporte, nadie me ayuda.',
      'Estoy furioso, mi dinero está bloqueado.',
      'Servicio horrible, voy a cerrar mi cuenta.',
    ],
  },
  ja: {
    positive: [
      '迅速な対応ありがとうございます！',
      '素晴らしいサポートに感謝します。',
      '完璧です、問題が解決しました。',
      '助かりました、ありがとう。',
      'とても親切な対応でした。',
    ],
    neutral: [
      'アカウントについて質問があります。',
      '取引の状況を確認してください。',
      'こちらが注文番号です。',
      '昨日書類を送りました。',
      '現在の状況を教えてください。',
    ],
    negative: [
      '最悪です、とても怒っています。',
      '何日も待っています、許せません。',
      '誰も助けてくれない最低のサポートです。',
      'お金が動かせず激怒しています。',
      'ひどいサービスです、口座を解約します。',
    ],
  },
  ko: {
    positive: [
      '빠른 답변 정말 감사합니다!',
      '훌륭한 지원에 감사드립니다.',
      '완벽해요, 문제가 해결됐어요.',
      '도와주셔서 고맙습니다.',
      '정말 친절한 상담이었어요.',
    ],
    neutral: [
      '계정에 대해 질문이 있습니다.',
      '거래 상태를 확인해 주세요.',
      '여기 제 주문 번호입니다.',
      '어제 서류를 보냈습니다.',
      '현재 진행 상황을 알려주세요.',
    ],
    negative: [
      '정말 최악이에요, 너무 화가 나요.',
      '며칠째 기다리고 있어요, 말도 안 돼요.',
      '아무도 도와주지 않는 최악의 지원입니다.',
      '돈이 묶여서 너무 화납니다.',
      '형편없는 서비스, 계정을 해지하겠습니다.',
    ],
  },
};

/** Neutral agent replies per language (agents do not carry a sentiment label). */
export const agentPhrases: Record<Language, readonly string[]> = {
  en: [
    'Thanks for reaching out, I am checking this now.',
    'Could you send us the transaction hash?',
    'The issue has been resolved on our side.',
    'I have passed this to our specialist team.',
  ],
  ru: [
    'Спасибо за обращение, я проверяю.',
    'Пришлите, пожалуйста, хеш транзакции.',
    'Проблема решена с нашей стороны.',
    'Я передал вопрос специалистам.',
  ],
  zh: ['感谢联系，我正在核查。', '请提供交易哈希。', '问题已在我们这边解决。', '我已转交给专家团队。'],
  es: [
    'Gracias por escribirnos, lo estoy revisando.',
    '¿Nos puede enviar el hash de la transacción?',
    'El problema se resolvió de nuestro lado.',
    'Lo he pasado a nuestro equipo especialista.',
  ],
  ja: [
    'お問い合わせありがとうございます。確認しています。',
    '取引ハッシュを送ってください。',
    'こちらで問題を解決しました。',
    '専門チームに引き継ぎました。',
  ],
  ko: [
    '문의 감사합니다. 확인 중입니다.',
    '거래 해시를 보내주시겠어요?',
    '저희 쪽에서 문제를 해결했습니다.',
    '전문 팀에 전달했습니다.',
  ],
};

export const botPhrases: Record<Language, { greet: string; answer: string }> = {
  en: {
    greet: 'Hi! I am the exchange assistant. How can I help?',
    answer: 'Here is a help article that should solve this.',
  },
  ru: { greet: 'Здравствуйте! Я помощник биржи. Чем помочь?', answer: 'Вот статья, которая должна помочь.' },
  zh: { greet: '您好！我是交易所助手，有什么可以帮您？', answer: '这篇帮助文章应该能解决您的问题。' },
  es: {
    greet: '¡Hola! Soy el asistente del exchange. ¿En qué puedo ayudar?',
    answer: 'Este artículo de ayuda debería resolverlo.',
  },
  ja: {
    greet: 'こんにちは！取引所アシスタントです。ご用件は？',
    answer: 'こちらのヘルプ記事で解決できるはずです。',
  },
  ko: {
    greet: '안녕하세요! 거래소 도우미입니다. 무엇을 도와드릴까요?',
    answer: '이 도움말 문서로 해결될 것입니다.',
  },
};

export const internalNotes = [
  'Checked the ledger: transfer stuck at the node.',
  'Escalating, needs a specialist.',
  'Customer verified, waiting for the payments team.',
  'Security review requested.',
  'Reassigned for workload balancing.',
] as const;

export const subjects: Record<Category, string> = {
  withdrawal_delayed: 'Withdrawal still pending',
  deposit_not_credited: 'Deposit not credited',
  kyc_verification: 'KYC verification question',
  account_locked_2fa: 'Locked out, 2FA not working',
  account_compromise: 'Someone accessed my account',
  phishing: 'Suspicious email pretending to be you',
  unauthorised_withdrawal: 'Withdrawal I did not make',
  futures_liquidation_dispute: 'Futures position liquidated unfairly',
  p2p_dispute: 'P2P trade dispute',
  fees: 'Question about fees',
  api_trading: 'API trading error',
  other: 'General question',
};

export const badRatingReasons = [
  'The issue took too long to resolve',
  'The issue was not resolved',
  "The agent's knowledge is unsatisfactory",
  "The agent's attitude is unsatisfactory",
  'Some other reason',
] as const;
